//! Message-understanding throughput: `cargo bench -p aurora-bench --bench nlu`.
//! Reports messages/second over a mix of typical messages, and a 10,000-character message
//! against the same number of typical ones.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use aurora_nlu::{NluConfig, Understander};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const TYPICAL: &[&str] = &[
    "rose gold rings under $800",
    "hi there!",
    "where is my order GG-123456?",
    "I want to return the necklace I bought last week, it broke",
    "can I talk to a stylist please",
    "show me 18k white gold or platinum engagement rings between 2k and 4k",
    "what can you do",
    "my platinum card was declined",
    "how do I reset my pin",
    "do you have vintage diamond studs ready to ship, budget 500 bucks",
    "what's the weather like in paris tomorrow",
    "my ring is too small, can I get it resized?",
    "show me my shortlist",
    "tell me about the capsule collection",
    "has my package shipped yet",
    "add 7 rings to my playlist",
];

fn bench(c: &mut Criterion) {
    let u = Understander::new(&NluConfig::default()).unwrap();
    let mut g = c.benchmark_group("nlu");
    g.throughput(Throughput::Elements(TYPICAL.len() as u64));
    g.bench_function("typical_mix", |b| {
        b.iter(|| {
            for m in TYPICAL {
                black_box(u.understand(black_box(m)));
            }
        });
    });
    // A 10,000-character message must cost no more than a hundred typical ones.
    let long = "I am looking for a rose gold ring under $800 with a small diamond, please 💍 "
        .repeat(140)
        .chars()
        .take(10_000)
        .collect::<String>();
    g.throughput(Throughput::Elements(1));
    g.bench_function("one_10k_char_message", |b| {
        b.iter(|| black_box(u.understand(black_box(&long))))
    });
    g.throughput(Throughput::Elements(100));
    g.bench_function("hundred_typical_messages", |b| {
        b.iter(|| {
            for m in TYPICAL.iter().cycle().take(100) {
                black_box(u.understand(black_box(m)));
            }
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
