//! `aurora catalog import` end to end: the real binary, a real database (SQLite and PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::catalog::{Category, DiamondOrigin, Metal};
use aurora_store::testing::TestDb;
use common::{aurora, fixture, run, text};
use std::path::Path;

/// Imports `file` into the database at `url`; returns (success, stdout, stderr).
fn import(url: &str, file: &str) -> (bool, String, String) {
    import_with(url, &fixture(file), &[])
}

/// Imports the file at `path` with extra settings.
fn import_with(url: &str, path: &Path, settings: &[(&str, &str)]) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = aurora(dir.path());
    command
        .args(["catalog", "import"])
        .arg(path)
        .env("AURORA_DATABASE_URL", url);
    for (name, value) in settings {
        command.env(name, value);
    }
    let output = run(&mut command);
    (
        output.status.success(),
        text(&output.stdout),
        text(&output.stderr),
    )
}

async fn imports_then_rejects_a_broken_file_without_changing_anything(db: TestDb) {
    let (ok, stdout, stderr) = import(&db.url, "shopify-good.csv");
    assert!(ok, "{stderr}");
    assert!(stdout.contains("Imported"), "{stdout}");
    let store = db.open().await;
    let count = store.product_count().await.unwrap();
    let version = store.catalog_version().await.unwrap();
    let products = store.all_products().await.unwrap();
    assert!(count >= 5, "only {count} products imported");

    // The same file again updates; it never duplicates.
    let (ok, stdout, _) = import(&db.url, "shopify-good.csv");
    assert!(ok);
    assert!(stdout.contains(" 0 new, "), "{stdout}");
    assert_eq!(store.product_count().await.unwrap(), count);
    assert_eq!(store.catalog_version().await.unwrap(), version + 1);

    for broken in [
        "shopify-broken.csv",
        "shopify-missing-column.csv",
        "catalog-broken.jsonl",
        "empty.csv",
    ] {
        let (ok, stdout, stderr) = import(&db.url, broken);
        assert!(!ok, "{broken} was accepted: {stdout}");
        assert!(
            stderr.contains("nothing was imported"),
            "{broken}: {stderr}"
        );
        assert!(
            stderr.contains(broken),
            "the report names the file: {stderr}"
        );
        assert!(stderr.contains("row "), "the report names rows: {stderr}");
        assert_eq!(
            store.product_count().await.unwrap(),
            count,
            "{broken} changed the catalog"
        );
        assert_eq!(store.catalog_version().await.unwrap(), version + 1);
    }
    assert_eq!(store.all_products().await.unwrap(), products);
}

#[tokio::test]
async fn a_shopify_export_imports_into_sqlite_and_a_broken_one_changes_nothing() {
    imports_then_rejects_a_broken_file_without_changing_anything(TestDb::sqlite()).await;
}

#[tokio::test]
async fn a_shopify_export_imports_into_postgres_and_a_broken_one_changes_nothing() {
    if let Some(db) = TestDb::postgres().await {
        imports_then_rejects_a_broken_file_without_changing_anything(db).await;
    }
}

/// What stores export, as Excel saves it, lands in the database whole: price ranges, every
/// metal, finer types, stones and the platform's id survive the round trip.
async fn excel_copies_and_a_woocommerce_export_import_with_their_variants(db: TestDb) {
    let (ok, stdout, stderr) = import(&db.url, "shopify-current-excel-semicolon.csv");
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("Imported 4 products")
            && stdout.contains("Skipped 5: 3 unpublished, 2 in no category or metal, 0 not sold"),
        "{stdout}"
    );
    assert!(stdout.contains(" 3 warnings."), "{stdout}");
    assert!(
        stderr.contains("warning: row ") && stderr.contains("`Gift Card` maps to no category"),
        "{stderr}"
    );
    let store = db.open().await;
    let ring = store
        .product("oval-halo-engagement-ring")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (ring.price.minor(), ring.price_max.map(|m| m.minor())),
        (240_000, Some(315_000))
    );
    assert_eq!(
        ring.all_metals(),
        [Metal::WhiteGold, Metal::RoseGold, Metal::Platinum]
    );
    assert_eq!(ring.kind.as_deref(), Some("engagement ring"));
    assert_eq!(ring.stones.diamond, Some(DiamondOrigin::LabGrown));
    assert_eq!(ring.stones.setting.as_deref(), Some("Halo"));
    assert!(ring.description.contains("pavé") && ring.description.contains("atelier – allow"));

    let (ok, stdout, stderr) = import(&db.url, "woocommerce-excel-1252.csv");
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("Imported 3 products")
            && stdout.contains("2 unpublished, 1 in no category or metal, 3 not sold here"),
        "{stdout}"
    );
    let solitaire = store.product("sol-ring").await.unwrap().unwrap();
    assert_eq!(solitaire.platform_id.as_deref(), Some("101"));
    assert_eq!(solitaire.price.minor(), 179_000, "the sale price");
    assert_eq!(store.product_count().await.unwrap(), 7);
}

#[tokio::test]
async fn excel_copies_and_woocommerce_import_into_sqlite() {
    excel_copies_and_a_woocommerce_export_import_with_their_variants(TestDb::sqlite()).await;
}

#[tokio::test]
async fn excel_copies_and_woocommerce_import_into_postgres() {
    if let Some(db) = TestDb::postgres().await {
        excel_copies_and_a_woocommerce_export_import_with_their_variants(db).await;
    }
}

#[tokio::test]
async fn a_stores_mapping_file_and_the_unmapped_setting_decide_what_imports() {
    let dir = tempfile::tempdir().unwrap();
    // A Spanish store: its types are "Anillos" and "Relojes" (rings, watches).
    let file = dir.path().join("productos.csv");
    std::fs::write(
        &file,
        "Handle,Title,Type,Tags,Variant Price,Image Src\n\
         anillo-solitario,Anillo Solitario,Anillos,Oro 18K,1200,/a.jpg\n\
         reloj-clasico,Reloj Clásico,Relojes,Oro 18K,2400,/r.jpg\n",
    )
    .unwrap();
    let db = TestDb::sqlite();
    let (ok, stdout, stderr) = import_with(&db.url, &file, &[]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("Imported 0 products") && stdout.contains("2 in no category"),
        "{stdout}"
    );

    let mapping = dir.path().join("mapping.toml");
    let spanish = aurora_core::catalog::import::DEFAULT_MAPPING.replacen(
        "[[categories]]\ncategory = \"rings\"\nwords = [\"ring\", \"rings\"]",
        "[[categories]]\ncategory = \"rings\"\nwords = [\"ring\", \"rings\", \"anillo\", \"anillos\"]",
        1,
    );
    assert_ne!(spanish, aurora_core::catalog::import::DEFAULT_MAPPING);
    std::fs::write(&mapping, spanish).unwrap();
    let settings = [
        ("AURORA_CATALOG_MAPPING", mapping.to_str().unwrap()),
        ("AURORA_CATALOG_UNMAPPED", "other"),
    ];
    let (ok, stdout, stderr) = import_with(&db.url, &file, &settings);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("Imported 2 products"), "{stdout}");
    let store = db.open().await;
    let ring = store.product("anillo-solitario").await.unwrap().unwrap();
    assert_eq!(
        (ring.category, ring.metal),
        (Category::Rings, Metal::YellowGold)
    );
    let watch = store.product("reloj-clasico").await.unwrap().unwrap();
    assert_eq!(
        (watch.category, watch.kind.as_deref()),
        (Category::Other, Some("relojes"))
    );

    // A mapping file that cannot be used stops the command before anything is read.
    for (path, reason) in [
        ("/nonexistent/mapping.toml", "cannot read"),
        (file.to_str().unwrap(), "TOML"),
    ] {
        let (ok, _, stderr) = import_with(&db.url, &file, &[("AURORA_CATALOG_MAPPING", path)]);
        assert!(!ok);
        assert!(
            stderr.contains("AURORA_CATALOG_MAPPING") && stderr.contains(reason),
            "{stderr}"
        );
    }
    let (ok, _, stderr) = import_with(&db.url, &file, &[("AURORA_CATALOG_UNMAPPED", "keep")]);
    assert!(
        !ok && stderr.contains("AURORA_CATALOG_UNMAPPED"),
        "{stderr}"
    );
}

#[tokio::test]
async fn the_report_names_the_row_and_column_of_every_bad_row() {
    let db = TestDb::sqlite();
    let (ok, _, stderr) = import(&db.url, "shopify-broken.csv");
    assert!(!ok);
    let located = stderr
        .lines()
        .filter(|l| l.contains(": row ") && l.contains("column "))
        .count();
    assert!(located >= 3, "expected several located errors: {stderr}");
}

#[tokio::test]
async fn the_projects_json_lines_format_imports() {
    let db = TestDb::sqlite();
    let (ok, stdout, stderr) = import(&db.url, "catalog-good.jsonl");
    assert!(ok, "{stderr}");
    assert!(stdout.contains(" new, 0 updated"), "{stdout}");
    assert!(db.open().await.product_count().await.unwrap() > 0);
}

#[test]
fn a_file_of_unknown_type_asks_for_a_format() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("products.txt");
    std::fs::write(&file, "hello").unwrap();
    let output = run(aurora(dir.path()).args(["catalog", "import"]).arg(&file));
    assert!(!output.status.success());
    assert!(
        text(&output.stderr).contains("--format"),
        "{}",
        text(&output.stderr)
    );
}
