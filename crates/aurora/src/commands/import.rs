//! What `aurora catalog import` and `aurora orders import` share: the file opened once per pass
//! with a progress bar over the pass that writes, and the report of a refused file.

use anyhow::Context;
use aurora_core::import::Findings;
use aurora_core::services::import::Pass;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs::File;
use std::io::{BufReader, IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;

/// A bar over the file's bytes, drawn only on a terminal.
pub(super) fn progress_bar(file: &Path) -> anyhow::Result<ProgressBar> {
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {eta} left") {
        bar.set_style(style);
    }
    Ok(bar)
}

/// Opens `file` for each pass of an import; the pass that writes reads through `progress`.
pub(super) fn opener(
    file: &Path,
    progress: &ProgressBar,
) -> impl Fn(Pass) -> std::io::Result<Box<dyn Read + Send>> + Send + Sync + 'static {
    let (progress, path) = (progress.clone(), file.to_path_buf());
    move |pass| {
        let reader = BufReader::new(File::open(&path)?);
        Ok(match pass {
            Pass::Check => Box::new(reader) as Box<dyn Read + Send>,
            Pass::Write => Box::new(progress.wrap_read(reader)),
        })
    }
}

/// Prints every problem of a refused file, and its warnings; the command fails.
pub(super) fn refused(name: &str, findings: &Findings) -> ExitCode {
    eprint!("{}", findings.render(name));
    eprint!("{}", findings.render_warnings(name));
    eprintln!(
        "{name}: {} problems; nothing was imported.",
        findings.error_count()
    );
    ExitCode::FAILURE
}
