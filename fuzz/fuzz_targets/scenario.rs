//! Fuzz the scenario parser: any text must give a scenario or an input error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(s) = policysim::scenario::parse_scenario(text, Path::new("fuzz.toml")) {
            let _ = s.to_toml();
        }
    }
});
