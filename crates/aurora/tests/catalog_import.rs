//! `aurora catalog import` end to end: the real binary, a real database (SQLite and PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_store::testing::TestDb;
use common::{aurora, fixture, run, text};

/// Imports `file` into the database at `url`; returns (success, stdout, stderr).
fn import(url: &str, file: &str) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = run(aurora(dir.path())
        .args(["catalog", "import"])
        .arg(fixture(file))
        .env("AURORA_DATABASE_URL", url));
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
