//! `cargo run -p aurora-nlu --example understand`: one JSON line per stdin line, or
//! `-- some message` to print the explanation. The `aurora understand` CLI does the same.

use std::io::{BufRead, Write};

use aurora_nlu::{NluConfig, Understander};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let understander = Understander::new(&NluConfig::default())?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if !args.is_empty() {
        write!(out, "{}", understander.explain(&args.join(" ")))?;
        return Ok(());
    }
    for line in std::io::stdin().lock().lines() {
        let u = understander.understand(&line?);
        writeln!(out, "{}", serde_json::to_string(&u)?)?;
    }
    Ok(())
}
