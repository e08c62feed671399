use crate::config::Config;
use aurora_nlu::Understander;
use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;

/// `aurora understand`: with words, explains how the concierge reads them; without, reads one
/// message per line on stdin and writes one JSON object per line, in order.
pub fn run(config: &Config, words: &[String]) -> anyhow::Result<ExitCode> {
    let understander = Understander::new(&config.nlu())?;
    if !words.is_empty() {
        print!("{}", understander.explain(&words.join(" ")));
        return Ok(ExitCode::SUCCESS);
    }
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in stdin.split(b'\n') {
        let bytes = line?;
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_suffix('\r').unwrap_or(&text);
        serde_json::to_writer(&mut out, &understander.understand(text))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
