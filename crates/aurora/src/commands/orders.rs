use super::import::{opener, progress_bar, refused};
use crate::cli::OrdersFormat;
use crate::config::{Config, open_store};
use anyhow::{Context, anyhow};
use aurora_core::orders::import::Format;
use aurora_core::services::orders::{self, ImportOutcome};
use std::path::Path;
use std::process::ExitCode;

/// `aurora orders import FILE`: check the whole file, then import it in one transaction.
pub async fn import(
    config: Config,
    file: &Path,
    format: Option<OrdersFormat>,
) -> anyhow::Result<ExitCode> {
    let name = file.display().to_string();
    let format = match format {
        Some(OrdersFormat::Json) => Format::Json,
        Some(OrdersFormat::ShopifyCsv) => Format::ShopifyCsv,
        None => Format::detect(file)
            .with_context(|| format!("cannot read {name}"))?
            .ok_or_else(|| {
                anyhow!(
                    "{name}: cannot tell the format from its name or header row (Shopify's orders \
                     export has the columns Name and Lineitem name); use --format json or shopify-csv"
                )
            })?,
    };
    let rules = config.order_rules()?;
    let store = open_store(&config).await?;
    let progress = progress_bar(file)?;
    let open = opener(file, &progress);
    let outcome = orders::import(&*store, format, &rules, open)
        .await
        .map_err(|error| anyhow!("{name}: {error}; nothing was imported"))?;
    progress.finish_and_clear();
    match outcome {
        ImportOutcome::Refused(report) => Ok(refused(&name, &report)),
        ImportOutcome::Imported { report, summary } => {
            eprint!("{}", report.render_warnings(&name));
            println!(
                "Imported {} orders from {name}: {} new, {} updated, {} left as stored (the stored \
                 order is newer). Skipped {} without an email. {} warnings.",
                summary.created + summary.updated + summary.stale,
                summary.created,
                summary.updated,
                summary.stale,
                report.skipped,
                report.warning_count()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
