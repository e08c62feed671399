//! The static files as the server sends them to a browser: the widget's size budgets are
//! checked on these bytes (not on a build artefact), for a browser that accepts gzip only and for
//! one that accepts brotli, and every encoding decodes to the same file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Answer, send};
use std::io::Read;

const KB: usize = 1024;
/// The loader every store page loads.
const LOADER_BUDGET: usize = 3 * KB;
/// Everything loaded by the time the panel first opens: the loader and the app.
const FIRST_OPEN_BUDGET: usize = 30 * KB;

const GZIP_ONLY: &str = "gzip, deflate";
/// What Chromium sends.
const BROTLI: &str = "gzip, deflate, br, zstd";

async fn fetch(app: &Router, path: &str, accept: Option<&str>) -> Answer {
    let mut request = Request::get(path);
    if let Some(accept) = accept {
        request = request.header("accept-encoding", accept);
    }
    let answer = send(app, request.body(Body::empty()).unwrap()).await;
    assert_eq!(answer.status, StatusCode::OK, "{path}");
    answer
}

fn decoded(answer: &Answer) -> Vec<u8> {
    let mut out = Vec::new();
    match answer
        .headers
        .get("content-encoding")
        .map(|v| v.to_str().unwrap())
    {
        None => out.clone_from(&answer.body),
        Some("gzip") => {
            flate2::read::GzDecoder::new(answer.body.as_slice())
                .read_to_end(&mut out)
                .unwrap();
        }
        Some("br") => {
            brotli::Decompressor::new(answer.body.as_slice(), 4096)
                .read_to_end(&mut out)
                .unwrap();
        }
        Some(other) => panic!("unexpected encoding {other}"),
    }
    out
}

#[tokio::test]
async fn the_widget_arrives_within_its_budgets_in_gzip_and_in_brotli() {
    let db = aurora_store::testing::TestDb::sqlite();
    let app = common::demo_app(db.open().await).await;
    for (accept, encoding) in [(GZIP_ONLY, "gzip"), (BROTLI, "br")] {
        let loader = fetch(&app, "/widget.js", Some(accept)).await;
        let widget_app = fetch(&app, "/widget-app.js?v=1", Some(accept)).await;
        for answer in [&loader, &widget_app] {
            assert_eq!(answer.header("content-encoding"), encoding);
            assert_eq!(answer.header("vary"), "accept-encoding");
        }
        let (loader_bytes, first_open) =
            (loader.body.len(), loader.body.len() + widget_app.body.len());
        println!(
            "{encoding}: loader {loader_bytes} bytes ({:.2} KB), first open {first_open} bytes ({:.2} KB)",
            loader_bytes as f64 / KB as f64,
            first_open as f64 / KB as f64
        );
        assert!(
            loader_bytes <= LOADER_BUDGET,
            "{encoding}: loader {loader_bytes} bytes"
        );
        assert!(
            first_open <= FIRST_OPEN_BUDGET,
            "{encoding}: first open {first_open} bytes"
        );
    }
}

#[tokio::test]
async fn every_static_file_decodes_to_the_same_bytes_in_every_encoding() {
    let db = aurora_store::testing::TestDb::sqlite();
    // The demo storefront (and its stylesheet) is served in demo mode only.
    let demo = aurora_server::ServerSettings {
        demo: true,
        ..aurora_server::ServerSettings::default()
    };
    let app = common::demo_app_with(db.open().await, demo).await;
    for path in [
        "/widget.js",
        "/widget-app.js",
        "/demo/assets/storefront.css",
        "/dashboard/assets/workspace.css",
    ] {
        let plain = fetch(&app, path, None).await;
        assert!(plain.headers.get("content-encoding").is_none(), "{path}");
        for accept in [GZIP_ONLY, BROTLI, "identity"] {
            let answer = fetch(&app, path, Some(accept)).await;
            assert_eq!(decoded(&answer), plain.body, "{path} for {accept}");
        }
        // Compressed at the best level, once: brotli beats gzip, gzip beats the file.
        let gzip = fetch(&app, path, Some(GZIP_ONLY)).await.body.len();
        let brotli = fetch(&app, path, Some(BROTLI)).await.body.len();
        assert!(
            brotli < gzip && gzip < plain.body.len(),
            "{path}: {brotli} {gzip}"
        );
    }
}
