//! PDF charts: the outlined SVG (module `outline`) converted by `svg2pdf`, so the PDF
//! holds every letter as a vector outline and needs no font on any machine.
//!
//! The page is the picture at 240 pixels per inch: a 1600×1000 chart is 16.9 × 10.6 cm
//! (a full-width journal figure), its 26-pixel labels 7.8 pt and its title 11.4 pt.
//! The same SVG gives the same PDF bytes: no dates, no random document id, and the
//! entries of each resource dictionary (which the converter lists in hash order) put in
//! sorted order, a permutation of whole lines that keeps every object's byte offset.

use policysim_model::{Error, Result};

/// Pixels per inch of the PDF page.
pub const PDF_DPI: f32 = 240.0;

/// Converts an SVG document (text already outlined) to a one-page PDF.
///
/// # Errors
/// [`Error::Failure`] when the SVG cannot be parsed or converted.
pub fn svg_to_pdf(svg: &str) -> Result<Vec<u8>> {
    let tree = svg2pdf::usvg::Tree::from_str(svg, &svg2pdf::usvg::Options::default())
        .map_err(|e| Error::Failure(format!("PDF conversion: the chart's SVG: {e}")))?;
    let page = svg2pdf::PageOptions { dpi: PDF_DPI };
    let pdf = svg2pdf::to_pdf(&tree, svg2pdf::ConversionOptions::default(), page)
        .map_err(|e| Error::Failure(format!("PDF conversion failed: {e}")))?;
    Ok(sorted_resources(pdf))
}

/// The PDF with the lines of every resource sub-dictionary (`/XObject <<` ... `>>` and
/// the like, outside streams) in sorted order. Each line keeps its bytes, so the file's
/// length and every offset in its cross-reference table stay as they were.
fn sorted_resources(mut pdf: Vec<u8>) -> Vec<u8> {
    const OPENERS: [&[u8]; 5] = [
        b"/XObject <<",
        b"/ExtGState <<",
        b"/Pattern <<",
        b"/Shading <<",
        b"/ColorSpace <<",
    ];
    let mut at = 0;
    while at < pdf.len() {
        // skip stream contents (binary, may hold any bytes)
        if pdf[at..].starts_with(b"stream\n") {
            match find(&pdf[at..], b"\nendstream") {
                Some(end) => {
                    at += end + b"\nendstream".len();
                    continue;
                }
                None => break,
            }
        }
        let line_end = find(&pdf[at..], b"\n").map_or(pdf.len(), |e| at + e);
        let line = &pdf[at..line_end];
        let trimmed = line.trim_ascii();
        if OPENERS.contains(&trimmed) {
            // the entries: the lines up to the one that closes the dictionary
            let first = line_end + 1;
            let mut entries: Vec<Vec<u8>> = Vec::new();
            let mut cursor = first;
            while cursor < pdf.len() {
                let end = find(&pdf[cursor..], b"\n").map_or(pdf.len(), |e| cursor + e);
                let entry = &pdf[cursor..end];
                if entry.trim_ascii() == b">>" || !entry.trim_ascii().starts_with(b"/") {
                    break;
                }
                entries.push(pdf[cursor..(end + 1).min(pdf.len())].to_vec());
                cursor = end + 1;
            }
            // only a dictionary of plain references (`/name N 0 R`, one per line) is
            // sorted; anything else (an inline value spanning lines) is left as written
            let plain = entries.iter().all(|e| {
                let t = e.trim_ascii();
                t.starts_with(b"/") && t.ends_with(b" R") && !t.contains(&b'<')
            });
            if !plain {
                at = cursor;
                continue;
            }
            let mut sorted = entries.clone();
            sorted.sort();
            let mut write = first;
            for entry in sorted {
                pdf[write..write + entry.len()].copy_from_slice(&entry);
                write += entry.len();
            }
            at = cursor;
            continue;
        }
        at = line_end + 1;
    }
    pdf
}

/// Where `needle` first occurs in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_entries_are_sorted_without_moving_any_offset() {
        let pdf = b"%PDF-1.7\n<<\n  /XObject <<\n    /xo2 5 0 R\n    /xo10 3 0 R\n    /xo1 4 0 R\n  >>\n>>\nstream\n/XObject <<\n/b\n/a\nendstream\n".to_vec();
        let out = sorted_resources(pdf.clone());
        assert_eq!(out.len(), pdf.len());
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("/XObject <<\n    /xo1 4 0 R\n    /xo10 3 0 R\n    /xo2 5 0 R\n  >>"),
            "{text}"
        );
        assert!(
            text.contains("stream\n/XObject <<\n/b\n/a\nendstream"),
            "streams untouched"
        );
        // a dictionary with an inline value over several lines is left as written
        let inline =
            b"%PDF-1.7\n  /ExtGState <<\n    /gs1 <<\n    /CA 0.5\n    >>\n  >>\n".to_vec();
        assert_eq!(sorted_resources(inline.clone()), inline);
    }
}
