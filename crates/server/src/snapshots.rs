//! What every instance serves from memory and reloads when another process imports a new one:
//! the catalog (with its search index) and the knowledge file (with its index).

use crate::AppState;
use aurora_core::services;
use aurora_core::store::StoreError;
use std::time::Duration;

/// Polls the catalog's and the knowledge file's versions every `every` and reloads either when
/// another process (e.g. `aurora catalog import`) changed it. Runs until the task is dropped.
pub async fn watch_snapshots(state: AppState, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(error) = refresh_catalog(&state).await {
            tracing::warn!(%error, "could not refresh the catalog; will retry");
        }
        if let Err(error) = refresh_knowledge(&state).await {
            tracing::warn!(%error, "could not refresh the knowledge file; will retry");
        }
    }
}

async fn refresh_catalog(state: &AppState) -> Result<(), StoreError> {
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

/// Loads the stored knowledge file when it is newer than the one served (at start too).
pub async fn refresh_knowledge(state: &AppState) -> Result<(), StoreError> {
    let served = state.knowledge().version();
    let Some(stored) = services::knowledge::newer(&*state.store, served).await? else {
        return Ok(());
    };
    let version = stored.version;
    let indexed = tokio::task::spawn_blocking(move || services::knowledge::index(stored)).await;
    match indexed {
        Ok(Ok(knowledge)) => {
            tracing::info!(
                version,
                sections = knowledge.sections().len(),
                "knowledge file reloaded"
            );
            state.set_knowledge(knowledge);
        }
        Ok(Err(error)) => {
            tracing::error!(%error, version, "could not index the knowledge file; still serving the previous one")
        }
        Err(error) => {
            tracing::error!(%error, "the indexing task failed; still serving the previous knowledge file")
        }
    }
    Ok(())
}
