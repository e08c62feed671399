//! Product search, product details and the shortlist through the real router over the demo
//! store. Both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::money::Currency;
use aurora_core::store::Store;
use aurora_server::Application;
use aurora_store::backend_tests;
use axum::http::StatusCode;
use common::{Shopper, assert_problem, demo_app, get, invalid_fields};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Arc;

backend_tests!(
    product_search_filters_and_sorts,
    cursor_paging_covers_every_product_exactly_once,
    bad_search_parameters_are_a_422_listing_each,
    a_products_details_are_found_by_id_and_an_unknown_id_is_a_404,
    the_shortlist_adds_once_lists_and_removes,
    each_visitor_has_a_shortlist_of_their_own,
    prices_are_in_the_stores_currency_everywhere_they_show,
    an_imported_stores_cards_show_ranges_metals_stones_placeholders_and_other,
);

/// The real router over `store` holding the current Shopify fixture, products in no category
/// imported as `other`.
async fn imported_store_app(store: Arc<dyn Store>) -> axum::Router {
    use aurora_core::catalog::import::{Format, ImportOptions, Unmapped, read_products};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures/shopify-current.csv");
    let options = ImportOptions {
        unmapped: Unmapped::Other,
        ..ImportOptions::default()
    };
    let products: Vec<_> = read_products(
        std::fs::File::open(path).unwrap(),
        Format::ShopifyCsv,
        &options,
    )
    .collect::<Result<_, _>>()
    .unwrap();
    let mut import = store.begin_import().await.unwrap();
    import.write(&products).await.unwrap();
    import.commit().await.unwrap();
    common::app(store).await
}

fn products(answer: &common::Answer) -> Vec<Value> {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    answer.json()["products"].as_array().unwrap().clone()
}

async fn product_search_filters_and_sorts(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let answer = get(&app, "/api/support/products?category=rings&metals=rose_gold,platinum&min_price=500&max_price=2000&sort=price_asc&limit=10").await;
    let found = products(&answer);
    let total = answer.json()["total"].as_u64().unwrap();
    assert!(total > 10 && found.len() == 10, "{total}");
    let prices: Vec<f64> = found.iter().map(|p| p["price"].as_f64().unwrap()).collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "{prices:?}");
    for product in &found {
        assert_eq!(product["category"], "rings");
        assert!(
            ["rose_gold", "platinum"].contains(&product["metal"].as_str().unwrap()),
            "{product}"
        );
        let price = product["price"].as_f64().unwrap();
        assert!((500.0..=2000.0).contains(&price), "{product}");
    }
    let hoops = products(&get(&app, "/api/support/products?kind=Hoops&limit=100").await);
    assert!(!hoops.is_empty());
    assert!(
        hoops
            .iter()
            .all(|p| p["title"].as_str().unwrap().contains("Hoop")),
        "{hoops:?}"
    );
    let newest = products(
        &get(
            &app,
            "/api/support/products?category=rings&sort=newest&limit=3",
        )
        .await,
    );
    let mut rings: Vec<_> = aurora_core::demo::products()
        .into_iter()
        .filter(|p| p.category == aurora_core::catalog::Category::Rings)
        .collect();
    rings.sort_by(|a, b| b.added_at.cmp(&a.added_at).then(a.id.cmp(&b.id)));
    let ids: Vec<&str> = newest.iter().map(|p| p["id"].as_str().unwrap()).collect();
    let expected: Vec<&str> = rings.iter().take(3).map(|p| p.id.as_str()).collect();
    assert_eq!(ids, expected);
    let dearest = products(&get(&app, "/api/support/products?sort=price_desc&limit=5").await);
    let prices: Vec<f64> = dearest
        .iter()
        .map(|p| p["price"].as_f64().unwrap())
        .collect();
    assert!(prices.windows(2).all(|w| w[0] >= w[1]), "{prices:?}");
    let ready = products(
        &get(
            &app,
            "/api/support/products?ready_to_ship=true&category=earrings&limit=100",
        )
        .await,
    );
    assert!(
        !ready.is_empty()
            && ready
                .iter()
                .all(|p| p["ready_to_ship"] == true && p["category"] == "earrings")
    );
    let text = products(&get(&app, "/api/support/products?q=tennis&category=necklaces").await);
    assert!(
        !text.is_empty()
            && text
                .iter()
                .all(|p| p["title"].as_str().unwrap().contains("Tennis")),
        "{text:?}"
    );
}

async fn cursor_paging_covers_every_product_exactly_once(store: Arc<dyn Store>) {
    let app = demo_app(store.clone()).await;
    let catalog = store.product_count().await.unwrap() as usize;
    for query in [
        "sort=price_asc&limit=37",
        "limit=50",
        "q=ring&limit=13",
        "metals=silver&sort=price_desc&limit=7",
    ] {
        let mut seen = Vec::new();
        let mut path = format!("/api/support/products?{query}");
        let mut total = None;
        loop {
            let answer = get(&app, &path).await;
            let page = products(&answer);
            let body = answer.json();
            let page_total = body["total"].as_u64().unwrap() as usize;
            assert_eq!(
                *total.get_or_insert(page_total),
                page_total,
                "the total is stable"
            );
            seen.extend(page.iter().map(|p| p["id"].as_str().unwrap().to_string()));
            match body["next_cursor"].as_str() {
                Some(cursor) => path = format!("/api/support/products?{query}&cursor={cursor}"),
                None => break,
            }
            assert!(seen.len() <= catalog, "paging does not end");
        }
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{query}: no product twice");
        assert_eq!(seen.len(), total.unwrap(), "{query}: every match once");
        if query == "limit=50" {
            assert_eq!(seen.len(), catalog);
        }
    }
}

async fn bad_search_parameters_are_a_422_listing_each(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let answer = get(&app, "/api/support/products?category=hats&metals=tin&min_price=abc&max_price=-5&ready_to_ship=maybe&sort=cheapest&limit=0&cursor=nope&colour=red").await;
    let mut fields = invalid_fields(&answer);
    fields.sort();
    assert_eq!(
        fields,
        [
            "category",
            "colour",
            "cursor",
            "limit",
            "max_price",
            "metals",
            "min_price",
            "ready_to_ship",
            "sort"
        ]
    );
    let answer = get(&app, "/api/support/products?min_price=900&max_price=100").await;
    assert_eq!(invalid_fields(&answer), ["min_price"]);
    let answer = get(
        &app,
        &format!("/api/support/products?limit=101&q={}", "a".repeat(201)),
    )
    .await;
    let mut fields = invalid_fields(&answer);
    fields.sort();
    assert_eq!(fields, ["limit", "q"]);
}

async fn a_products_details_are_found_by_id_and_an_unknown_id_is_a_404(store: Arc<dyn Store>) {
    let app = demo_app(store).await;
    let first = products(&get(&app, "/api/support/products?limit=1").await)[0].clone();
    let id = first["id"].as_str().unwrap();
    let answer = get(&app, &format!("/api/support/products/{id}")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let details = answer.json();
    assert_eq!(details["id"], id);
    assert_eq!(details["title"], first["title"]);
    assert!(!details["description"].as_str().unwrap().is_empty());
    assert!(details["styles"].is_array());
    assert_problem(
        &get(&app, "/api/support/products/no-such-ring").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

async fn the_shortlist_adds_once_lists_and_removes(store: Arc<dyn Store>) {
    let app = demo_app(store.clone()).await;
    let (shopper, _, _) = Shopper::start(&app).await;
    let id = products(&get(&app, "/api/support/products?category=rings&limit=1").await)[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let added = shopper
        .post(&app, "/api/support/shortlist", json!({ "product_id": id }))
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    assert_eq!(added.json()["products"][0]["id"], id.as_str());
    let again = shopper
        .post(&app, "/api/support/shortlist", json!({ "product_id": id }))
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["products"].as_array().unwrap().len(), 1);
    let unknown = shopper
        .post(
            &app,
            "/api/support/shortlist",
            json!({ "product_id": "no-such-ring" }),
        )
        .await;
    assert_eq!(invalid_fields(&unknown), ["product_id"]);
    let missing = shopper
        .post(&app, "/api/support/shortlist", json!({}))
        .await;
    assert_eq!(invalid_fields(&missing), ["product_id"]);
    let list = shopper.get(&app, "/api/support/shortlist").await;
    assert_eq!(list.status, StatusCode::OK);
    let ids: Vec<Value> = list.json()["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(ids, [json!(id)]);
    let removed = shopper
        .delete(&app, &format!("/api/support/shortlist/{id}"))
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text());
    assert_eq!(removed.json()["products"], json!([]));
    let gone = shopper
        .delete(&app, &format!("/api/support/shortlist/{id}"))
        .await;
    assert_problem(&gone, StatusCode::NOT_FOUND, "not_found");
    assert!(
        store
            .shortlist(&visitor_id(&shopper.token))
            .await
            .unwrap()
            .is_empty()
    );
}

/// The visitor id inside a visitor token (`v1.<id>.<signature>`).
fn visitor_id(token: &str) -> String {
    token.split('.').nth(1).unwrap().to_string()
}

async fn each_visitor_has_a_shortlist_of_their_own(store: Arc<dyn Store>) {
    let app = demo_app(store.clone()).await;
    let (ava, _, _) = Shopper::start(&app).await;
    let (liam, _, _) = Shopper::start(&app).await;
    let all = products(&get(&app, "/api/support/products?limit=2").await);
    let (first, second) = (
        all[0]["id"].as_str().unwrap(),
        all[1]["id"].as_str().unwrap(),
    );
    assert_eq!(
        ava.post(
            &app,
            "/api/support/shortlist",
            json!({ "product_id": first })
        )
        .await
        .status,
        StatusCode::CREATED
    );
    assert_eq!(
        liam.post(
            &app,
            "/api/support/shortlist",
            json!({ "product_id": second })
        )
        .await
        .status,
        StatusCode::CREATED
    );
    assert_eq!(
        ava.get(&app, "/api/support/shortlist").await.json()["products"][0]["id"],
        first
    );
    assert_eq!(
        liam.get(&app, "/api/support/shortlist").await.json()["products"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Liam cannot remove Ava's piece.
    assert_problem(
        &liam
            .delete(&app, &format!("/api/support/shortlist/{first}"))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_eq!(
        store.shortlist(&visitor_id(&ava.token)).await.unwrap(),
        [first.to_string()]
    );
}

async fn prices_are_in_the_stores_currency_everywhere_they_show(store: Arc<dyn Store>) {
    common::seed_demo(&store).await;
    let mut settings = common::settings(aurora_server::ServerSettings::default());
    settings.concierge.currency = Currency::from_code("EUR").unwrap();
    let app = Application::build(store, settings).await.unwrap().router();
    let found = products(&get(&app, "/api/support/products?max_price=800&sort=price_desc").await);
    let dearest = &found[0];
    let price = dearest["price"].as_f64().unwrap();
    assert!(price <= 800.0, "{dearest}");
    assert!(
        dearest["price_formatted"]
            .as_str()
            .unwrap()
            .starts_with('€'),
        "{dearest}"
    );
    let (shopper, id, _) = Shopper::start(&app).await;
    let reply = shopper
        .post(
            &app,
            &format!("/api/support/conversations/{id}/messages"),
            json!({"text": "rings under 800"}),
        )
        .await
        .json();
    let text = reply.to_string();
    assert!(text.contains("Under €800"), "{text}");
    assert!(!text.contains('$'), "{text}");
}

async fn an_imported_stores_cards_show_ranges_metals_stones_placeholders_and_other(
    store: Arc<dyn Store>,
) {
    let app = imported_store_app(store).await;
    let found = products(&get(&app, "/api/support/products?q=oval%20halo").await);
    let ring = &found[0];
    assert_eq!(ring["id"], "oval-halo-engagement-ring");
    assert_eq!(
        (ring["price"].clone(), ring["price_max"].clone()),
        (json!(2400.0), json!(3150.0))
    );
    assert_eq!(ring["price_formatted"], "from $2,400");
    assert_eq!(ring["metal"], "white_gold");
    assert_eq!(
        ring["metals"],
        json!(["white_gold", "rose_gold", "platinum"])
    );
    // A range that meets the product's, in a metal that is not its main one.
    let query = "/api/support/products?category=rings&metals=platinum&max_price=2500";
    let ids: Vec<Value> = products(&get(&app, query).await)
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert!(ids.contains(&json!("oval-halo-engagement-ring")), "{ids:?}");

    let details = get(&app, "/api/support/products/oval-halo-engagement-ring").await;
    assert_eq!(details.status, StatusCode::OK);
    let details = details.json();
    assert_eq!(details["kind"], "engagement ring");
    assert_eq!(
        details["details"],
        json!([
            {"label": "Diamond", "value": "Lab-grown diamond"},
            {"label": "Carat weight", "value": "1.00, 1.50"},
            {"label": "Setting", "value": "Halo"},
        ])
    );

    // A product without an image shows a placeholder the server draws.
    let studs = products(&get(&app, "/api/support/products?q=stud").await);
    let image = studs[0]["image_url"].as_str().unwrap().to_string();
    assert_eq!(image, "/images/placeholders/earrings-yellow_gold.svg");
    assert_eq!(studs[0]["price_max"], Value::Null);
    assert_eq!(studs[0]["price_formatted"], "$890");
    let svg = get(&app, &image).await;
    assert_eq!(svg.status, StatusCode::OK);
    assert_eq!(svg.headers["content-type"], "image/svg+xml");
    assert!(svg.text().starts_with("<svg"));
    assert_problem(
        &get(&app, "/images/placeholders/earrings-titanium.svg").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    // `other` is a category of the catalog: the API filters by it; a conversation never offers it.
    let other = products(&get(&app, "/api/support/products?category=other").await);
    let ids: Vec<&str> = other.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["gold-dress-watch"],
        "the gift card has no metal: left out"
    );
    let (shopper, id, _) = Shopper::start(&app).await;
    let messages = format!("/api/support/conversations/{id}/messages");
    let pressed = shopper
        .post(&app, &messages, json!({"action": "category:other"}))
        .await;
    assert_eq!(invalid_fields(&pressed), ["action"]);
    let said = shopper.say(&app, &id, "show me other jewelry").await;
    assert!(
        !said.to_string().contains("gold-dress-watch"),
        "a conversation offered `other`: {said}"
    );
}
