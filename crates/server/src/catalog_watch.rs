use crate::AppState;
use aurora_core::services;
use std::time::Duration;

/// Polls the catalog version every `every` and reloads the snapshot when another process
/// (e.g. `aurora catalog import`) changed it. Runs until the task is dropped.
pub async fn watch_catalog(state: AppState, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(error) = refresh(&state).await {
            tracing::warn!(%error, "could not refresh the catalog; will retry");
        }
    }
}

async fn refresh(state: &AppState) -> Result<(), aurora_core::store::StoreError> {
    let Some(catalog) = services::catalog::newer(&*state.store, state.catalog().version()).await?
    else {
        return Ok(());
    };
    tracing::info!(
        version = catalog.version(),
        products = catalog.products().len(),
        "catalog reloaded"
    );
    // Indexing takes tens of milliseconds per 10,000 products: off the async workers.
    let indexing = state.clone();
    let indexed = tokio::task::spawn_blocking(move || indexing.set_catalog(catalog)).await;
    match indexed {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            tracing::error!(%error, "could not index the new catalog; still serving the previous one")
        }
        Err(error) => {
            tracing::error!(%error, "the indexing task failed; still serving the previous catalog")
        }
    }
    Ok(())
}
