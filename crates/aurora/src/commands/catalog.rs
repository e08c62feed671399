use crate::cli::ImportFormat;
use crate::config::{Config, open_store};
use anyhow::{Context, anyhow, bail};
use aurora_core::catalog::Product;
use aurora_core::catalog::import::{self, Format};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs::File;
use std::io::{BufReader, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Products written to the database per statement; with the channel bound below, this is what
/// bounds memory whatever the file's size.
const BATCH: usize = 500;
const BATCHES_IN_FLIGHT: usize = 4;

/// `aurora catalog import FILE`: check the whole file, then import it in one transaction.
pub async fn import(
    config: Config,
    file: &Path,
    format: Option<ImportFormat>,
) -> anyhow::Result<ExitCode> {
    let format = match format {
        Some(ImportFormat::Json) => Format::Json,
        Some(ImportFormat::ShopifyCsv) => Format::ShopifyCsv,
        None => Format::detect(file).ok_or_else(|| {
            anyhow!(
                "{}: cannot tell the format from the file name; use --format json or --format shopify-csv",
                file.display()
            )
        })?,
    };
    let name = file.display().to_string();

    let path = file.to_path_buf();
    let report = tokio::task::spawn_blocking(move || {
        open(&path).map(|reader| import::validate(reader, format))
    })
    .await??;
    if !report.is_ok() {
        eprint!("{}", report.render(&name));
        eprintln!(
            "{name}: {} problems; nothing was imported.",
            report.error_count()
        );
        return Ok(ExitCode::FAILURE);
    }

    let store = open_store(&config).await?;
    let progress = progress_bar(file)?;
    let (sender, mut receiver) =
        tokio::sync::mpsc::channel::<Result<Vec<Product>, String>>(BATCHES_IN_FLIGHT);
    let path = file.to_path_buf();
    let bar = progress.clone();
    let producer = tokio::task::spawn_blocking(move || {
        let reader = match open(&path) {
            Ok(reader) => bar.wrap_read(reader),
            Err(error) => {
                let _ = sender.blocking_send(Err(error.to_string()));
                return;
            }
        };
        let mut batch = Vec::with_capacity(BATCH);
        for item in import::read_products(reader, format) {
            match item {
                Ok(product) => batch.push(product),
                Err(errors) => {
                    let text = errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ");
                    let _ = sender.blocking_send(Err(text));
                    return;
                }
            }
            if batch.len() == BATCH
                && sender
                    .blocking_send(Ok(std::mem::take(&mut batch)))
                    .is_err()
            {
                return;
            }
        }
        if !batch.is_empty() {
            let _ = sender.blocking_send(Ok(batch));
        }
    });

    let mut transaction = store.begin_import().await?;
    while let Some(batch) = receiver.recv().await {
        match batch {
            Ok(products) => transaction.write(&products).await?,
            Err(problem) => {
                bail!("{name} changed while it was imported ({problem}); nothing was imported")
            }
        }
    }
    producer.await?;
    let summary = transaction.commit().await?;
    progress.finish_and_clear();
    println!(
        "Imported {} products from {name}: {} new, {} updated, {} skipped as unpublished. Catalog version {}.",
        summary.created + summary.updated,
        summary.created,
        summary.updated,
        report.skipped,
        summary.version
    );
    Ok(ExitCode::SUCCESS)
}

fn open(path: &PathBuf) -> std::io::Result<BufReader<File>> {
    File::open(path).map(BufReader::new)
}

/// A bar over the file's bytes, drawn only on a terminal.
fn progress_bar(file: &Path) -> anyhow::Result<ProgressBar> {
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
