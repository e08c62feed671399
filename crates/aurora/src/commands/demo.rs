use super::serve::{DEMO_MARKER, DEMO_OWNER_EMAIL, DEMO_OWNER_PASSWORD, serve};
use crate::config::{Config, Secret, open_store};
use anyhow::bail;
use aurora_core::staff::{Actor, Role};
use aurora_core::store::{Store, StoreError};
use rand::Rng;
use std::process::ExitCode;

/// `aurora demo`: the Gilded Grove demo store on its own database, seeded when empty.
pub async fn run(mut config: Config) -> anyhow::Result<ExitCode> {
    let store = open_store(&config).await?;
    if config.store_name == Config::default().store_name {
        config.store_name = "Gilded Grove".to_string();
        config.store_contact = "hello@gildedgrove.example or +1 555 0134".to_string();
    }
    seed(store.as_ref(), &config).await?;
    if config.secret_key.is_none() {
        let generated: String = rand::rng()
            .sample_iter(rand::distr::Alphanumeric)
            .take(48)
            .map(char::from)
            .collect();
        let kept = store.setting_or_insert("secret_key", &generated).await?;
        config.secret_key = Some(Secret::new(kept));
    }
    serve(&config, store, true).await
}

/// Claims an empty database for the demo, then seeds whatever of the demo data is missing (so a
/// seed interrupted halfway completes on the next start). A database with data but no demo
/// mark belongs to a real store: it is never touched.
async fn seed(store: &dyn Store, config: &Config) -> anyhow::Result<()> {
    if store.setting(DEMO_MARKER).await?.is_none() {
        if store.product_count().await? > 0 || store.order_count().await? > 0 {
            bail!(
                "{} holds a real store's data; `aurora demo` only runs on its own database (unset AURORA_DATABASE_URL to use aurora-demo.db)",
                config.database_display()
            );
        }
        store.setting_or_insert(DEMO_MARKER, "true").await?;
    }
    if store.product_count().await? == 0 {
        let products = aurora_core::demo::products();
        let mut import = store.begin_import().await?;
        import.write(&products).await?;
        import.commit().await?;
        tracing::info!(products = products.len(), "seeded the demo catalog");
    }
    for order in aurora_core::demo::orders(chrono::Utc::now()) {
        match store.insert_order(&order).await {
            Ok(()) | Err(StoreError::Conflict(_)) => {}
            Err(error) => return Err(error.into()),
        }
    }
    if store.knowledge_version().await? == 0 {
        let imported = aurora_core::services::knowledge::import(
            store,
            aurora_core::demo::KNOWLEDGE,
            chrono::Utc::now(),
        )
        .await?;
        tracing::info!(
            sections = imported.sections,
            "seeded the demo's knowledge file"
        );
    }
    if store.user_by_email(DEMO_OWNER_EMAIL).await?.is_none() {
        aurora_core::services::staff::add_user(
            store,
            &Actor::cli("aurora demo"),
            DEMO_OWNER_EMAIL,
            Role::Owner,
            Some(DEMO_OWNER_PASSWORD),
            chrono::Utc::now(),
        )
        .await?;
        tracing::info!(
            email = DEMO_OWNER_EMAIL,
            "created the demo's workspace owner"
        );
    }
    Ok(())
}
