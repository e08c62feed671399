//! Fuzz target: any bytes, decoded lossily, must never panic.
#![no_main]

use std::sync::OnceLock;

use aurora_nlu::{NluConfig, Understander};
use libfuzzer_sys::fuzz_target;

static U: OnceLock<Option<Understander>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some(u) = U.get_or_init(|| Understander::new(&NluConfig::default()).ok()) else {
        return;
    };
    let text = String::from_utf8_lossy(data);
    let _ = u.understand(&text);
    let _ = u.explain(&text).to_string();
    let _ = u.parse_order_number(&text);
});
