//! The demo storefront through the real router, over an SQLite store holding the demo catalog.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::catalog::{Category, Product};
use aurora_core::demo;
use aurora_core::money::Currency;
use aurora_server::ServerSettings;
use aurora_store::testing::TestDb;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Answer, get, send};

const WIDGET_TAG: &str = "<script src=\"/widget.js\" async></script>";

/// The app in demo mode over a fresh SQLite database holding `products`.
async fn store_app(products: &[Product], demo_mode: bool) -> (TestDb, Router) {
    let db = TestDb::sqlite();
    let store = db.open().await;
    let mut import = store.begin_import().await.unwrap();
    import.write(products).await.unwrap();
    import.commit().await.unwrap();
    let settings = ServerSettings {
        demo: demo_mode,
        ..ServerSettings::default()
    };
    let app = aurora_server::app(common::state(store, settings).await);
    (db, app)
}

async fn demo_app() -> (TestDb, Router) {
    store_app(&demo::products(), true).await
}

/// The product paths the page's cards link to, in order.
fn card_links(html: &str) -> Vec<String> {
    html.split("class=\"card__link\" href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

fn assert_is_a_store_page(answer: &Answer) {
    assert_eq!(answer.header("content-type"), "text/html; charset=utf-8");
    let html = answer.text();
    assert!(html.starts_with("<!doctype html>\n<html lang=\"en\">"));
    assert_eq!(html.matches("<h1").count(), 1, "one h1");
    for landmark in ["<header", "<nav", "<main", "<footer"] {
        assert!(html.contains(landmark), "{landmark}");
    }
    assert!(
        html.trim_end()
            .ends_with(&format!("{WIDGET_TAG}\n</body>\n</html>")),
        "the widget tag must come right before </body>"
    );
    // The CSP forbids inline styles and scripts: the widget tag is the only script.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(!html.contains("<style"));
    assert!(!html.contains(" style="));
    assert!(!html.contains(" onclick=") && !html.contains(" onload="));
    assert!(html.contains("<link rel=\"stylesheet\" href=\"/demo/assets/storefront.css\">"));
    for img in html.split("<img ").skip(1) {
        let tag = img.split('>').next().unwrap();
        assert!(
            tag.contains(" alt=\"") && !tag.contains(" alt=\"\""),
            "{tag}"
        );
    }
    let headings: Vec<u8> = html
        .match_indices("<h")
        .filter_map(|(i, _)| html.as_bytes().get(i + 2).copied())
        .filter(u8::is_ascii_digit)
        .map(|d| d - b'0')
        .collect();
    assert_eq!(headings.first(), Some(&1), "{headings:?}");
    for pair in headings.windows(2) {
        assert!(pair[1] <= pair[0] + 1, "heading levels skip: {headings:?}");
    }
}

#[tokio::test]
async fn the_home_page_shows_the_first_48_products_with_prices_and_badges() {
    let (_db, app) = demo_app().await;
    let answer = get(&app, "/").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_is_a_store_page(&answer);
    let html = answer.text();
    assert!(html.contains("Gilded"));
    let links = card_links(&html);
    assert_eq!(links.len(), 48);
    let catalog = demo::products();
    for link in &links {
        let product = catalog.iter().find(|p| &p.url == link).unwrap();
        assert!(html.contains(&format!(
            "<p class=\"card__price\">{}</p>",
            Currency::USD.format(product.price)
        )));
    }
    assert!(html.contains("Ready to ship"));
    assert!(html.contains("href=\"/?page=2\""));
    assert!(html.contains(&format!("of {} pieces", catalog.len())));
    for category in Category::SHOPPER {
        assert!(html.contains(&format!("href=\"/?category={}\"", category.as_str())));
    }
}

#[tokio::test]
async fn a_small_product_image_is_gzipped_for_a_client_that_accepts_it() {
    // Answers under 14 KiB go out plain only when they are JSON.
    let (_db, app) = demo_app().await;
    let html = get(&app, "/").await.text();
    let source = html
        .split("src=\"/demo/images/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    let request = Request::get(format!("/demo/images/{source}"))
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    let image = send(&app, request).await;
    assert_eq!(image.status, StatusCode::OK);
    assert_eq!(image.header("content-type"), "image/svg+xml");
    assert_eq!(image.header("content-encoding"), "gzip");
    assert!(image.body.len() < 14 * 1024, "{} bytes", image.body.len());
}

#[tokio::test]
async fn every_image_a_page_shows_is_served() {
    let (_db, app) = demo_app().await;
    let html = get(&app, "/").await.text();
    let sources: std::collections::HashSet<&str> = html
        .split("src=\"/demo/images/")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .collect();
    assert!(sources.len() >= 10, "{sources:?}");
    for source in sources {
        let image = get(&app, &format!("/demo/images/{source}")).await;
        assert_eq!(image.status, StatusCode::OK, "{source}");
        assert_eq!(image.header("content-type"), "image/svg+xml");
        assert_eq!(image.header("cache-control"), "public, max-age=86400");
        assert!(image.text().starts_with("<svg"));
    }
}

#[tokio::test]
async fn a_category_link_shows_only_that_category() {
    let (_db, app) = demo_app().await;
    let answer = get(&app, "/?category=rings").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_is_a_store_page(&answer);
    let html = answer.text();
    assert!(html.contains("href=\"/?category=rings\" aria-current=\"page\""));
    let catalog = demo::products();
    let rings = catalog
        .iter()
        .filter(|p| p.category == Category::Rings)
        .count();
    assert!(html.contains(&format!("of {rings} pieces")));
    let links = card_links(&html);
    assert_eq!(links.len(), 48);
    for link in links {
        let product = catalog.iter().find(|p| p.url == link).unwrap();
        assert_eq!(product.category, Category::Rings, "{link}");
    }
    assert!(html.contains("href=\"/?category=rings&#38;page=2\""));
}

#[tokio::test]
async fn pages_past_the_end_show_the_last_page_and_nonsense_shows_the_first() {
    let (_db, app) = demo_app().await;
    let total = demo::products().len();
    let last = total.div_ceil(48);
    let on_last = total - (last - 1) * 48;
    let last_page = card_links(&get(&app, &format!("/?page={last}")).await.text());
    assert_eq!(last_page.len(), on_last);
    let beyond = get(&app, "/?page=999").await;
    assert_eq!(beyond.status, StatusCode::OK);
    assert_eq!(card_links(&beyond.text()), last_page);
    let first = card_links(&get(&app, "/").await.text());
    for nonsense in ["/?page=abc", "/?page=0", "/?page=-3", "/?category=hats"] {
        let answer = get(&app, nonsense).await;
        assert_eq!(answer.status, StatusCode::OK, "{nonsense}");
        assert_eq!(card_links(&answer.text()), first, "{nonsense}");
    }
}

#[tokio::test]
async fn a_product_page_shows_the_product_and_whether_it_ships_now() {
    let (_db, app) = demo_app().await;
    let catalog = demo::products();
    let ready = catalog.iter().find(|p| p.ready_to_ship).unwrap();
    let made = catalog.iter().find(|p| !p.ready_to_ship).unwrap();
    for product in [ready, made] {
        let answer = get(&app, &product.url).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", product.url);
        assert_is_a_store_page(&answer);
        let html = answer.text();
        let title = &product.title;
        assert!(html.contains(&format!("<h1 class=\"product__title\">{title}</h1>")));
        assert!(html.contains(&Currency::USD.format(product.price)));
        assert!(html.contains(product.metal.label()));
        assert!(html.contains(product.category.label()));
        assert!(html.contains(&format!("src=\"{}\"", product.image_url)));
        let promise = "Made to order — ships in 3–4 weeks";
        assert_eq!(
            html.contains(promise),
            !product.ready_to_ship,
            "{}",
            product.id
        );
        let badge = "<p class=\"badge badge--large\">Ready to ship</p>";
        assert_eq!(
            html.contains(badge),
            product.ready_to_ship,
            "{}",
            product.id
        );
        assert!(html.contains("You may also like"));
    }
}

#[tokio::test]
async fn an_unknown_product_is_a_friendly_html_404() {
    let (_db, app) = demo_app().await;
    let answer = get(&app, "/products/no-such-ring").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_is_a_store_page(&answer);
    assert!(answer.text().contains("couldn"));
}

#[tokio::test]
async fn product_text_is_escaped() {
    let mut products = demo::products();
    let mut odd = products[0].clone();
    odd.id = "odd-ring".to_string();
    odd.title = "Ring <img src=x onerror=alert(1)> & co".to_string();
    odd.description = "<script>alert('x')</script>".to_string();
    odd.url = "/products/odd-ring".to_string();
    products.push(odd);
    let (_db, app) = store_app(&products, true).await;
    let answer = get(&app, "/products/odd-ring").await;
    assert_eq!(answer.status, StatusCode::OK);
    let html = answer.text();
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("Ring &#60;img src=x onerror=alert(1)&#62; &#38; co"));
}

#[tokio::test]
async fn the_stylesheet_is_served_as_cached_css() {
    let (_db, app) = demo_app().await;
    let answer = get(&app, "/demo/assets/storefront.css").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("content-type"), "text/css; charset=utf-8");
    assert!(
        answer
            .header("cache-control")
            .starts_with("public, max-age=")
    );
    assert!(answer.text().contains(".card"));
    assert!(answer.text().contains(":focus-visible"));
}

#[tokio::test]
async fn an_unknown_image_is_not_found() {
    let (_db, app) = demo_app().await;
    for name in ["rings-gold.svg", "hats-platinum.svg", "rings-platinum.png"] {
        let answer = get(&app, &format!("/demo/images/{name}")).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{name}");
    }
}

#[tokio::test]
async fn without_demo_mode_there_is_no_storefront() {
    let (_db, app) = store_app(&demo::products(), false).await;
    for path in [
        "/",
        "/products/platinum-signet-ring",
        "/demo/images/rings-platinum.svg",
    ] {
        assert_eq!(
            get(&app, path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}
