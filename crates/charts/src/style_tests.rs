//! Tests of `style.rs`.

use super::*;

#[test]
fn ticks_are_round_numbers_inside_the_range() {
    assert_eq!(
        nice_ticks(1.0, 30.0, 6),
        [5.0, 10.0, 15.0, 20.0, 25.0, 30.0]
    );
    assert_eq!(nice_ticks(1911.0, 1929.0, 6), [1915.0, 1920.0, 1925.0]);
    assert_eq!(nice_ticks(0.877, 0.966, 5), [0.88, 0.9, 0.92, 0.94, 0.96]);
    assert_eq!(nice_ticks(0.0, 1.0, 5), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
    assert_eq!(nice_ticks(2.0, 4.0, 6), [2.0, 2.5, 3.0, 3.5, 4.0]);
    assert_eq!(nice_ticks(0.0, 7.0, 6), [0.0, 2.0, 4.0, 6.0]);
    assert_eq!(nice_ticks(3.0, 3.0, 6), [3.0]);
    // a range just over five 0.2-steps still gets them, not two 0.5-steps
    assert_eq!(nice_ticks(-0.1, 0.95, 5), [0.0, 0.2, 0.4, 0.6, 0.8]);
    assert!(nice_ticks(f64::NAN, 1.0, 5).is_empty());
    assert_eq!(tick_decimals(&[0.88, 0.9]), 2);
    assert_eq!(tick_decimals(&[1915.0, 1920.0]), 0);
}

#[test]
fn a_region_keeps_its_colour_whatever_the_ranking_or_the_other_names() {
    let a = named_colors(&["west", "east", "central"]);
    let b = named_colors(&["central", "west", "east"]);
    assert_eq!((a[1], a[2], a[0]), (b[2], b[0], b[1]));
    assert_eq!(a[1], OKABE_ITO[0], "east");
    // the US regions, and a name nobody listed: its colour depends on its text only
    let us = named_colors(&["South", "West", "Northeast", "Midwest", "Pacific"]);
    let alone = named_colors(&["Pacific", "Northeast"]);
    assert_eq!(us[4], alone[0]);
    assert_eq!(us[2], alone[1]);
    // distinct within one chart while there are colours enough
    let many: Vec<String> = (0..8).map(|i| format!("r{i}")).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let c = named_colors(&refs);
    for i in 0..8 {
        for j in 0..i {
            assert_ne!(c[i], c[j], "{i} {j}");
        }
    }
}
