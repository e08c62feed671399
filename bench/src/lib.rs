//! Benchmarks for Aurora Concierge; see `benches/`.
