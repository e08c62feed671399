//! Replays the saved cargo-fuzz seed corpus (`tests/fuzz_corpus/`) as a normal test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_nlu::{NluConfig, Understander};

#[test]
fn the_saved_fuzz_corpus_replays_without_panicking() {
    let u = Understander::new(&NluConfig::default()).unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let _ = u.understand(&text);
        let _ = u.explain(&text).to_string();
        let _ = u.parse_order_number(&text);
        n += 1;
    }
    assert!(n >= 10, "expected the seed corpus in {}", dir.display());
}
