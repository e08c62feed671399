//! Property tests: no input panics; truncation respects char boundaries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_nlu::{MAX_CHARS, NluConfig, Understander};
use proptest::prelude::*;

fn u() -> &'static Understander {
    static U: std::sync::OnceLock<Understander> = std::sync::OnceLock::new();
    U.get_or_init(|| Understander::new(&NluConfig::default()).unwrap())
}

fn exercise(text: &str) {
    let x = u().understand(text);
    let _ = serde_json::to_string(&x).unwrap();
    let e = u().explain(text);
    assert!(e.text.chars().count() <= MAX_CHARS);
    assert!(text.starts_with(&e.text));
    let _ = e.to_string();
    let _ = u().parse_order_number(text);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        exercise(&s);
    }

    #[test]
    fn lossily_decoded_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
        exercise(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mixed_jewelry_text_emoji_and_rtl_never_panic(parts in proptest::collection::vec(
        prop_oneof![
            Just("rose gold "), Just("ring "), Just("$"), Just("1,250.00"), Just("-"), Just("#"), Just("GG-"),
            Just("123456 "), Just("14k "), Just("under "), Just("between "), Just(" and "), Just("💍"),
            Just("👩‍👩‍👧"), Just("שלום "), Just("مرحبا "), Just("\u{202e}"), Just("é"), Just("ﬁ"), Just("three thousand "),
            Just("1.5k"), Just("<"), Just(">"), Just("’"), Just("k"), Just("."), Just(","), Just("/stylist"),
        ],
        0..400,
    )) {
        exercise(&parts.concat());
    }

    #[test]
    fn truncation_keeps_a_char_boundary_prefix(s in "\\PC{0,3000}") {
        let e = u().explain(&s);
        prop_assert_eq!(e.text.chars().count(), s.chars().count().min(MAX_CHARS));
        prop_assert!(s.starts_with(&e.text));
    }
}

#[test]
fn a_ten_thousand_character_message_does_not_panic() {
    for unit in ["a", "💍", "ש", "1", "$", "-", "gold ring under $500 "] {
        let s = unit.repeat(10_000 / unit.chars().count().max(1));
        exercise(&s);
    }
}
