use super::import::{opener, progress_bar, refused};
use crate::cli::ImportFormat;
use crate::config::{Config, open_store};
use anyhow::{Context, anyhow};
use aurora_core::catalog::import::Format;
use aurora_core::services::catalog::{self, ImportOutcome};
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
    let open = opener(file, &progress);
    let outcome = catalog::import(&*store, format, &options, open)
        .await
        .map_err(|error| anyhow!("{name}: {error}; nothing was imported"))?;
    progress.finish_and_clear();
    match outcome {
        ImportOutcome::Refused(report) => Ok(refused(&name, &report)),
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
