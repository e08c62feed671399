use crate::cli::ImportFormat;
use crate::config::{Config, open_store};
use anyhow::{Context, anyhow};
use aurora_core::catalog::import::Format;
use aurora_core::services::catalog::{self, ImportOutcome, Pass};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs::File;
use std::io::{BufReader, IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;

/// `aurora catalog import FILE`: check the whole file, then import it in one transaction.
pub async fn import(
    config: Config,
    file: &Path,
    format: Option<ImportFormat>,
) -> anyhow::Result<ExitCode> {
    let name = file.display().to_string();
    let format = match format {
        Some(ImportFormat::Json) => Format::Json,
        Some(ImportFormat::ShopifyCsv) => Format::ShopifyCsv,
        Some(ImportFormat::WoocommerceCsv) => Format::WooCommerceCsv,
        None => Format::detect(file)
            .with_context(|| format!("cannot read {name}"))?
            .ok_or_else(|| {
                anyhow!(
                    "{name}: cannot tell the format from its name or header row; use --format \
                     json, shopify-csv or woocommerce-csv"
                )
            })?,
    };
    let options = config.import_options()?;
    let store = open_store(&config).await?;
    let progress = progress_bar(file)?;
    let bar = progress.clone();
    let path = file.to_path_buf();
    let open = move |pass| {
        let reader = BufReader::new(File::open(&path)?);
        Ok(match pass {
            Pass::Check => Box::new(reader) as Box<dyn Read + Send>,
            Pass::Write => Box::new(bar.wrap_read(reader)),
        })
    };
    let outcome = catalog::import(&*store, format, &options, open)
        .await
        .map_err(|error| anyhow!("{name}: {error}; nothing was imported"))?;
    progress.finish_and_clear();
    match outcome {
        ImportOutcome::Refused(report) => {
            eprint!("{}", report.render(&name));
            eprint!("{}", report.render_warnings(&name));
            eprintln!(
                "{name}: {} problems; nothing was imported.",
                report.error_count()
            );
            Ok(ExitCode::FAILURE)
        }
        ImportOutcome::Imported { report, summary } => {
            eprint!("{}", report.render_warnings(&name));
            let skipped = report.skipped;
            println!(
                "Imported {} products from {name}: {} new, {} updated. Skipped {}: {} unpublished, \
                 {} in no category or metal, {} not sold here (grouped, external, virtual). {} warnings. \
                 Catalog version {}.",
                summary.created + summary.updated,
                summary.created,
                summary.updated,
                skipped.total(),
                skipped.unpublished,
                skipped.unmapped,
                skipped.not_sold,
                report.warning_count(),
                summary.version
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

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
