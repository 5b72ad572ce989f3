//! Tests of the command line's shared pieces (`cli/mod.rs`).

use super::*;

#[test]
fn rates_are_rounded_to_three_significant_digits() {
    assert_eq!(rounded_rate(499.8766), "500");
    assert_eq!(rounded_rate(1234.5), "1235");
    assert_eq!(rounded_rate(42.345), "42.3");
    assert_eq!(rounded_rate(40.0), "40");
    assert_eq!(rounded_rate(0.8712), "0.87");
    assert_eq!(rounded_rate(0.0), "0");
    assert_eq!(rounded_rate(f64::NAN), "0");
}

#[test]
fn counts_mind_singulars() {
    assert_eq!(
        count_of(1, "initial adopter", "initial adopters"),
        "1 initial adopter"
    );
    assert_eq!(count_of(0, "run", "runs"), "0 runs");
    assert_eq!(count_of(2, "run", "runs"), "2 runs");
}
