//! `aurora`: the one binary. It parses the command line and the configuration, then hands
//! over to the library crates; it holds no business logic of its own.

mod cli;
mod commands;
mod config;
mod logging;

use clap::Parser;
use std::process::ExitCode;

/// Every request allocates (JSON, blocks, cards); mimalloc serves that from per-thread pages,
/// where glibc's malloc spent about 15% of a loaded server's time (`perf`, bench/load).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("aurora: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(error) => {
            // One line a person can act on; the chain of causes joined, never a panic trace.
            let causes: Vec<String> = error.chain().map(ToString::to_string).collect();
            eprintln!("aurora: {}", causes.join(": "));
            ExitCode::FAILURE
        }
    }
}
