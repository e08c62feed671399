//! Reading orders files: Shopify's orders export (its complete current header, one row per line
//! item) and our JSON Lines, as the import's two passes see them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_core::orders::import::{Format, read_orders, validate};
use aurora_core::orders::{Order, OrderRules, OrderStatus};
use std::fs::File;
use std::path::PathBuf;

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/orders")
        .join(name)
}

fn fixture(name: &str) -> File {
    File::open(path(name)).unwrap()
}

fn orders(name: &str, format: Format) -> Vec<Order> {
    read_orders(fixture(name), format, &OrderRules::default())
        .map(|o| o.unwrap())
        .collect()
}

fn statuses(order: &Order) -> Vec<OrderStatus> {
    order.events.iter().map(|e| e.status).collect()
}

#[test]
fn a_shopify_export_reads_one_order_per_name_with_its_line_items() {
    let report = validate(
        fixture("shopify-orders.csv"),
        Format::ShopifyCsv,
        &OrderRules::default(),
    );
    assert!(report.is_ok(), "{}", report.render("shopify-orders.csv"));
    assert_eq!((report.orders, report.skipped), (5, 1));
    assert_eq!(
        report.render_warnings("f.csv"),
        "f.csv: warning: row 4, column Email: order #1002 has no email (a point-of-sale or phone \
         order?): no shopper could look it up, so it is left out\n"
    );
    let all = orders("shopify-orders.csv", Format::ShopifyCsv);
    let numbers: Vec<&str> = all.iter().map(|o| o.number.as_str()).collect();
    assert_eq!(numbers, ["1001", "1003", "1004", "1005", "1006"]);

    let first = &all[0];
    assert_eq!(first.email.as_str(), "mia.chen@example.com");
    assert_eq!(first.platform_id.as_deref(), Some("5893104123123"));
    assert_eq!(first.items.len(), 2);
    assert_eq!(first.items[0].ring_size.as_deref(), Some("6.5"));
    assert_eq!(first.items[0].price.minor(), 129_900);
    assert_eq!(
        first.items[1].title,
        "Solitaire Pendant, 0.5 ct \"Oval\" - 18K White Gold"
    );
    assert_eq!(first.items[1].ring_size, None);
    assert_eq!(
        statuses(first),
        [OrderStatus::Placed, OrderStatus::Paid, OrderStatus::Shipped]
    );
    assert_eq!(first.events[2].at.to_rfc3339(), "2026-11-04T14:30:00+00:00");
    assert_eq!(first.updated_at, first.events[2].at);
}

#[test]
fn statuses_tags_and_refunds_become_the_timeline() {
    let all = orders("shopify-orders.csv", Format::ShopifyCsv);
    let by = |n: &str| all.iter().find(|o| o.number.as_str() == n).unwrap();
    let signet = by("1003");
    assert_eq!(
        signet.status(),
        OrderStatus::InProduction,
        "tagged made-to-order and paid"
    );
    assert!(signet.items[0].made_to_order);
    assert_eq!(signet.items[0].ring_size.as_deref(), Some("9.5"));
    assert_eq!(
        signet.email.as_str(),
        "Noah.Williams@Example.com",
        "kept as written"
    );
    assert_eq!(
        statuses(by("1004")),
        [
            OrderStatus::Placed,
            OrderStatus::Paid,
            OrderStatus::Cancelled,
            OrderStatus::Refunded
        ]
    );
    let partial = by("1005");
    assert_eq!(
        partial.status(),
        OrderStatus::Shipped,
        "partly refunded, partly shipped"
    );
    assert_eq!(partial.items.len(), 3);
    assert_eq!(partial.items[1].ring_size.as_deref(), Some("5"));
    assert_eq!(
        partial.items[0].ring_size, None,
        "a bracelet's 7 in is no ring size"
    );
    assert_eq!(
        statuses(by("1006")),
        [OrderStatus::Placed],
        "pending payment"
    );
}

#[test]
fn every_bad_row_of_an_export_is_named() {
    let report = validate(
        fixture("shopify-orders-broken.csv"),
        Format::ShopifyCsv,
        &OrderRules::default(),
    );
    assert_eq!(
        report.render("b.csv"),
        "b.csv: row 3, column Created at: `05/11/2026 08:14` is not a time like 2026-05-12 12:54:07 -0700 (as Shopify exports it)\n\
         b.csv: row 3, column Lineitem quantity: `0` is not a quantity (a whole number from 1)\n\
         b.csv: row 3, column Lineitem price: `1,850.00.00` is not a price\n\
         b.csv: row 3, column Email: `noah@` is not an email address\n\
         b.csv: row 4, column Lineitem name: the line item has no name\n\
         b.csv: row 5, column Name: order 2001 is already at row 2\n"
    );
}

#[test]
fn an_export_without_its_key_columns_or_rows_is_refused_at_row_one() {
    for (text, expected) in [
        (
            "Name,Email,Created at\n#1,a@b.co,2026-11-02 10:03:52 -0500\n",
            "the column `Lineitem quantity` is missing",
        ),
        ("", "the file is empty"),
        (
            "Name,Email,Created at,Lineitem quantity,Lineitem name,Lineitem price\n",
            "no orders: the file has only a header row",
        ),
    ] {
        let report = validate(text.as_bytes(), Format::ShopifyCsv, &OrderRules::default());
        assert!(!report.is_ok());
        let rendered = report.render("x.csv");
        assert!(rendered.starts_with("x.csv: row 1: "), "{rendered}");
        assert!(rendered.contains(expected), "{rendered}");
    }
}

#[test]
fn an_export_saved_by_european_excel_reads_the_same() {
    let original = std::fs::read_to_string(path("shopify-orders.csv")).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(original.as_bytes());
    let mut out = Vec::new();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        for record in reader.records() {
            writer.write_record(&record.unwrap()).unwrap();
        }
    }
    let read: Vec<Order> = read_orders(out.as_slice(), Format::ShopifyCsv, &OrderRules::default())
        .map(|o| o.unwrap())
        .collect();
    assert_eq!(read, orders("shopify-orders.csv", Format::ShopifyCsv));
}

#[test]
fn our_json_lines_read_with_their_defaults() {
    let all = orders("orders.jsonl", Format::Json);
    assert_eq!(all.len(), 2);
    assert_eq!(statuses(&all[0]), [OrderStatus::Placed, OrderStatus::Paid]);
    assert_eq!(
        all[0].updated_at, all[0].events[1].at,
        "the latest event's time"
    );
    assert_eq!(all[1].status(), OrderStatus::Delivered);
    assert_eq!(all[1].platform_id.as_deref(), Some("wc-88"));
    assert_eq!(
        all[1].events[3].tracking_url.as_deref(),
        None,
        "the delivered event carries no link"
    );
    assert_eq!(
        all[1].events[2].tracking_url.as_deref(),
        Some("https://www.dhl.com/track?id=JD0142")
    );
}

#[test]
fn a_large_export_streams_order_by_order() {
    // 20,000 orders of 3 rows each, generated on the fly (memory is measured by bench/import).
    struct Export {
        order: u32,
        buffer: Vec<u8>,
        at: usize,
    }
    impl std::io::Read for Export {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            if self.at == self.buffer.len() {
                self.buffer.clear();
                self.at = 0;
                if self.order == 0 {
                    self.buffer.extend_from_slice(b"Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price\n");
                }
                if self.order == 20_000 {
                    return Ok(0);
                }
                self.order += 1;
                for item in 0..3 {
                    let line = format!(
                        "#{n},buyer{n}@example.com,{status},2026-11-02 10:03:52 -0500,1,Ring {item} - 14K / 6,100.00\n",
                        n = self.order,
                        status = if item == 0 { "paid" } else { "" }
                    );
                    self.buffer.extend_from_slice(line.as_bytes());
                }
            }
            let n = out.len().min(self.buffer.len() - self.at);
            out[..n].copy_from_slice(&self.buffer[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }
    let export = || Export {
        order: 0,
        buffer: Vec::new(),
        at: 0,
    };
    let report = validate(export(), Format::ShopifyCsv, &OrderRules::default());
    assert!(report.is_ok(), "{}", report.render("gen"));
    assert_eq!(report.orders, 20_000);
    let count = read_orders(export(), Format::ShopifyCsv, &OrderRules::default())
        .filter(|o| {
            o.as_ref()
                .is_ok_and(|o| o.items.len() == 3 && o.status() == OrderStatus::Paid)
        })
        .count();
    assert_eq!(count, 20_000);
}

/// Real exports (personal data replaced, `fixtures/orders/SOURCES.md`) import as exported.
#[test]
fn real_exports_from_three_stores_import_unedited() {
    use aurora_core::money::Currency;
    // (file, its currency, orders, left out without an email)
    for (file, currency, expected, skipped) in [
        // A jeweller in Karachi: mostly draft orders without an email. PKR has two decimals as
        // INR has; the warning that it is not the store's currency is expected.
        ("real-gemstrack-pos.csv", "INR", 25, 115),
        ("real-maison-maria.csv", "GBP", 60, 0),
        ("real-dna-crm.csv", "EUR", 135, 2),
    ] {
        let rules = OrderRules {
            currency: Currency::from_code(currency).unwrap(),
            ..OrderRules::default()
        };
        let report = validate(fixture(file), Format::ShopifyCsv, &rules);
        assert!(report.is_ok(), "{}", report.render(file));
        assert_eq!(
            (report.orders, report.skipped),
            (expected, skipped),
            "{file}"
        );
        let orders: Vec<Order> = read_orders(fixture(file), Format::ShopifyCsv, &rules)
            .map(|o| o.unwrap())
            .collect();
        assert_eq!(orders.len() as u64, expected);
        assert!(
            orders
                .iter()
                .all(|o| o.status() != OrderStatus::Placed || o.events.len() == 1)
        );
    }
    let maria = orders("real-maison-maria.csv", Format::ShopifyCsv);
    let count = |status| maria.iter().filter(|o| o.status() == status).count();
    // 8 refunded (each cancelled first), 46 shipped, 6 paid and waiting.
    assert_eq!(
        (
            count(OrderStatus::Refunded),
            count(OrderStatus::Shipped),
            count(OrderStatus::Paid)
        ),
        (8, 46, 6)
    );
    let multi = maria.iter().find(|o| o.items.len() > 1).unwrap();
    assert_eq!(multi.items.len(), 2, "{multi:?}");
    let dna = orders("real-dna-crm.csv", Format::ShopifyCsv);
    assert!(dna.iter().any(|o| o.items.iter().any(|i| i.title == "Tip")));
}
