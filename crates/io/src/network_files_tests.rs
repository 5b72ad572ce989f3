//! Tests of `network_files.rs`.

use super::*;
use policysim_model::rng::network_rng;
use rand::RngExt;

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().unwrap())
    }
    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

fn message(r: Result<Network>) -> String {
    match r {
        Err(Error::Input(m)) => m,
        Err(e) => panic!("expected an input error, got {e}"),
        Ok(_) => panic!("expected an input error, got a network"),
    }
}

#[test]
fn edges_without_node_file_use_first_appearance_order() {
    let d = Dir::new();
    let e = d.file("e.csv", b"source,target,weight\nb,a,2\na,c,0.5\n");
    let net = read_edge_file(&e, None, false).unwrap();
    assert_eq!(net.names.to_vec(), ["b", "a", "c"]);
    assert_eq!(net.sources(1), &[0, 2]);
    assert_eq!(net.source_weights(1), &[2.0, 0.5]);
    assert!(net.warnings.is_empty());
    assert_eq!(net.index_of("c"), Some(2));
}

#[test]
fn node_file_resolves_ids_and_names_and_reads_attributes() {
    let d = Dir::new();
    let n = d.file(
        "n.csv",
        "id,name,level,parent,region,x,y,learning,note\n\
             11,广东,province,,east,0.9,0.5,0.7,big\n\
             12,Hunan,province,,central,0.5,0.5,0.4,\n\
             21,Guangzhou,city,11,east,0.91,0.52,0.8,capital\n"
            .as_bytes(),
    );
    let e = d.file("e.csv", b"target,source\n11,Hunan\nGuangzhou,11\n");
    let net = read_edge_file(&e, Some(&n), false).unwrap();
    assert_eq!(net.n, 3);
    assert_eq!(net.names.to_vec(), ["11", "12", "21"]);
    assert_eq!(net.labels[0], "广东");
    assert_eq!(net.sources(0), &[1, 2]);
    assert_eq!(net.level, [0, 0, 1]);
    assert_eq!(net.level_names, ["province", "city"]);
    assert_eq!(net.parent, [NO_PARENT, NO_PARENT, 0]);
    assert_eq!(net.region, [0, 1, 0]);
    assert_eq!(net.region_names, ["east", "central"]);
    assert_eq!(net.x, [0.9, 0.5, 0.91]);
    assert_eq!(net.column("learning"), Some(&[0.7, 0.4, 0.8][..]));
    assert!(net.column("note").is_none());
}

#[test]
fn numeric_levels_are_ordered_numerically() {
    let d = Dir::new();
    let n = d.file("n.csv", b"id,level\na,2\nb,0\nc,1\nd,10\ne,01\n");
    let t = read_node_file(&n, "network.nodes").unwrap();
    assert_eq!(t.level, [3, 0, 2, 4, 1]);
    assert_eq!(t.level_names, ["0", "01", "1", "2", "10"]);
}

#[test]
fn unknown_id_names_file_line_and_id() {
    let d = Dir::new();
    let n = d.file("n.csv", b"id\na\nb\n");
    let e = d.file("e.csv", b"source,target\na,b\nb,zz9\n");
    let m = message(read_edge_file(&e, Some(&n), false));
    assert!(m.contains("e.csv:3:"), "{m}");
    assert!(m.contains("\"zz9\""), "{m}");
    let n2 = d.file("n2.csv", b"id,parent\na,\nb,q\n");
    let m = message(read_edge_file(&e, Some(&n2), false));
    assert!(m.contains("n2.csv:3:") && m.contains("\"q\""), "{m}");
}

#[test]
fn bom_and_crlf_are_accepted() {
    let d = Dir::new();
    let e = d.file("e.csv", b"\xEF\xBB\xBFsource,target\r\n1,2\r\n2,3\r\n\r\n");
    let net = read_edge_file(&e, None, false).unwrap();
    assert_eq!(net.names.to_vec(), ["1", "2", "3"]);
    assert_eq!(net.edge_count(), 2);
}

#[test]
fn self_loops_and_duplicates_give_warnings() {
    let d = Dir::new();
    let e = d.file("e.csv", b"source,target\na,b\na,a\nb,a\na,b\n");
    let net = read_edge_file(&e, None, false).unwrap();
    assert_eq!(net.edge_count(), 1);
    assert_eq!(net.warnings.len(), 3, "{:?}", net.warnings);
    assert!(net.warnings[0].contains("e.csv:3") && net.warnings[0].contains("self-loop"));
    assert!(net.warnings[1].contains("e.csv:4") && net.warnings[1].contains("duplicate"));
    // Directed: b -> a is a different edge from a -> b.
    let net = read_edge_file(&e, None, true).unwrap();
    assert_eq!(net.edge_count(), 2);
    assert_eq!(net.warnings.len(), 2);
    // Many duplicates are summarised.
    let mut text = String::from("source,target\n");
    for _ in 0..50 {
        text.push_str("x,y\n");
    }
    let e = d.file("many.csv", text.as_bytes());
    let net = read_edge_file(&e, None, false).unwrap();
    assert_eq!(net.warnings.len(), MAX_WARNINGS + 1);
    assert!(net.warnings.last().unwrap().contains("49 duplicate edges"));
}

#[test]
fn directed_edges_mean_target_learns_from_source() {
    let d = Dir::new();
    let e = d.file("e.csv", b"source,target\nj,i\n");
    let net = read_edge_file(&e, None, true).unwrap();
    assert!(net.directed);
    assert_eq!(net.sources(1), &[0]);
    assert!(net.sources(0).is_empty());
}

#[test]
fn bad_files_give_clear_messages() {
    let d = Dir::new();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.csv", b"".to_vec(), "empty.csv: the file is empty"),
        (
            "blank.csv",
            b"\xEF\xBB\xBF\r\n\n".to_vec(),
            "the file is empty",
        ),
        ("header.csv", b"source,target\n".to_vec(), "no edges"),
        (
            "cols.csv",
            b"from,to\na,b\n".to_vec(),
            "cols.csv:1: missing column \"source\"",
        ),
        (
            "num.csv",
            b"source,target,weight\na,b,1\na,c,heavy\n".to_vec(),
            "num.csv:3:",
        ),
        (
            "neg.csv",
            b"source,target,weight\na,b,-1\n".to_vec(),
            "negative weight",
        ),
        (
            "nan.csv",
            b"source,target,weight\na,b,NaN\n".to_vec(),
            "not a number",
        ),
        (
            "utf.csv",
            b"source,target\na,b\n\xd5\xe3,b\n".to_vec(),
            "utf.csv:3: text is not valid UTF-8",
        ),
        ("utf16.csv", b"\xFF\xFEs\x00".to_vec(), "UTF-16"),
        (
            "fields.csv",
            b"source,target\na,b,c\n".to_vec(),
            "fields.csv:2: 3 fields",
        ),
        (
            "dup.csv",
            b"source,target,Source\na,b,c\n".to_vec(),
            "appears twice",
        ),
        (
            "emptyid.csv",
            b"source,target\na,\n".to_vec(),
            "emptyid.csv:2: empty target",
        ),
    ];
    for (name, bytes, want) in cases {
        let p = d.file(name, &bytes);
        let m = message(read_edge_file(&p, None, false));
        eprintln!("{m}");
        assert!(m.contains(want), "{name}: {m}");
    }
    let m = message(read_edge_file(&d.0.path().join("missing.csv"), None, false));
    assert!(m.contains("file not found"), "{m}");
    // A very long line is shortened in the message.
    let long = format!("source,target\na,{}\n", "x".repeat(100_000));
    let p = d.file("long.csv", long.as_bytes());
    let n = d.file("n.csv", b"id\na\n");
    let m = message(read_edge_file(&p, Some(&n), false));
    assert!(m.contains("long.csv:2:") && m.len() < 400, "{}", m.len());
    // Node files.
    let node_cases: Vec<(&str, &[u8], &str)> = vec![
        ("n1.csv", b"name\nx\n", "missing column \"id\""),
        ("n2.csv", b"id\n", "no rows"),
        (
            "n3.csv",
            b"id,x,y\na,1,2\nb,1,north\n",
            "n3.csv:3: column \"y\" is not a number (got \"north\")",
        ),
        ("n4.csv", b"id\na\nb\na\n", "n4.csv:4: duplicate id"),
        ("n5.csv", b"id,x\na,1\n", "only one of the columns x and y"),
        (
            "n6.csv",
            b"id,fit\na,1\nb,n/a\n",
            "n6.csv:3: column \"fit\"",
        ),
        ("n7.csv", b"id,parent\na,a\n", "own parent"),
        ("n8.csv", b"id,parent\nr,\na,b\nb,c\nc,a\n", "loops back"),
    ];
    for (name, bytes, want) in node_cases {
        let p = d.file(name, bytes);
        let m = match read_node_file(&p, "network.nodes") {
            Err(Error::Input(m)) => m,
            other => panic!("{name}: expected an input error, got {other:?}"),
        };
        eprintln!("{m}");
        assert!(m.contains(want), "{name}: {m}");
    }
}

#[test]
fn random_bytes_never_panic() {
    let d = Dir::new();
    let mut rng = network_rng(12);
    let alphabet = b"ab,\"\r\n\xEF\xBB\xBF\xff 1.5-";
    for case in 0..300 {
        let len = rng.random_range(0..60);
        let mut bytes: Vec<u8> = b"source,target,weight\n".to_vec();
        if case % 3 == 0 {
            bytes.clear();
        }
        bytes.extend((0..len).map(|_| alphabet[rng.random_range(0..alphabet.len())]));
        let p = d.file("fuzz.csv", &bytes);
        let _ = read_edge_file(&p, None, case % 2 == 0);
        let _ = read_edge_file(&p, Some(&p), false);
    }
}
