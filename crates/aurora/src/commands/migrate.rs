use crate::config::{Config, open_store};
use std::process::ExitCode;

/// Opening the store applies every pending migration; then we report where we stand.
pub async fn run(config: Config) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    let products = store.product_count().await?;
    println!(
        "{} is up to date ({products} products).",
        config.database_display()
    );
    Ok(ExitCode::SUCCESS)
}
