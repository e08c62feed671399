//! Catalog import from files as stores have them: our JSON Lines format, Shopify's product CSV in
//! both header sets, WooCommerce's export, and the copies Excel saves of them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_core::catalog::import::{
    Format, ImportOptions, MAX_REPORTED_ERRORS, RowError, Skipped, Unmapped, ValidationReport,
    read_products, validate,
};
use aurora_core::catalog::{Category, DiamondOrigin, Metal, Product, Stones};
use aurora_core::money::Money;
use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

fn fixture(name: &str) -> File {
    let path = path(name);
    File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn format_of(name: &str) -> Format {
    Format::detect(&path(name)).unwrap().unwrap()
}

fn options() -> ImportOptions {
    ImportOptions::default()
}

fn products_of(name: &str) -> Vec<Product> {
    read_products(fixture(name), format_of(name), &options())
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|errors| panic!("{name}: {errors:?}"))
}

fn report_of(name: &str) -> ValidationReport {
    validate(fixture(name), format_of(name), &options())
}

fn product<'a>(products: &'a [Product], id: &str) -> &'a Product {
    products.iter().find(|p| p.id == id).unwrap_or_else(|| {
        panic!(
            "no {id} among {:?}",
            products.iter().map(|p| &p.id).collect::<Vec<_>>()
        )
    })
}

/// The (row, column) of every error, in report order.
fn located(report: &ValidationReport) -> Vec<(u64, Option<&str>)> {
    report
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_deref()))
        .collect()
}

fn error_at<'a>(report: &'a ValidationReport, row: u64, column: Option<&str>) -> &'a RowError {
    report
        .errors
        .iter()
        .find(|e| e.row == row && e.column.as_deref() == column)
        .unwrap_or_else(|| panic!("no error at {row} {column:?}: {report:?}"))
}

const CDN: &str = "https://cdn.shopify.com/s/files/1/0001/products/";

#[test]
fn an_older_shopify_export_yields_one_product_per_handle_with_its_variants() {
    let products = products_of("shopify-good.csv");
    let ids: Vec<&str> = products.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "solitaire-ring",
            "halo-ring",
            "pearl-drop-earrings",
            "art-deco-pendant",
            "gold-bangle",
            "tennis-bracelet",
            "signet-ring",
            "lab-grown-diamond-studs",
        ]
    );
    let solitaire = product(&products, "solitaire-ring");
    assert_eq!(
        solitaire.description,
        "A single round diamond on a slim band & a four-claw setting. 0.5 ct diamond \
         Made in Antwerp — since 1952"
    );
    assert_eq!(
        (solitaire.category, solitaire.kind.as_deref()),
        (Category::Rings, Some("engagement ring"))
    );
    assert_eq!(solitaire.all_metals(), [Metal::YellowGold]);
    assert_eq!(
        solitaire.price_range(),
        (Money::from_minor(125_000), Money::from_minor(130_000))
    );
    assert!(solitaire.ready_to_ship, "size 6 has stock");
    assert_eq!(solitaire.image_url, format!("{CDN}solitaire-1.jpg"));
    assert_eq!(solitaire.image_alt, "Solitaire ring, front view");
    assert_eq!(solitaire.url, "/products/solitaire-ring");

    // One product in three metals: the lowest price, every metal, the product's first image.
    let halo = product(&products, "halo-ring");
    assert_eq!(halo.metal, Metal::RoseGold);
    assert_eq!(
        halo.all_metals(),
        [Metal::RoseGold, Metal::WhiteGold, Metal::Platinum]
    );
    assert_eq!(halo.price, Money::from_minor(145_000));
    assert_eq!(halo.price_max, Some(Money::from_minor(210_000)));
    assert_eq!(halo.styles, ["romantic", "vintage"]);
    assert_eq!(halo.image_url, format!("{CDN}halo-white.jpg"));

    let pearl = product(&products, "pearl-drop-earrings");
    assert_eq!((pearl.metal, pearl.price_max), (Metal::Silver, None));
    assert_eq!(pearl.image_alt, "Pearl Drop Earrings in silver");
    let deco = product(&products, "art-deco-pendant");
    assert_eq!(
        (deco.category, deco.metal),
        (Category::Necklaces, Metal::WhiteGold)
    );
    assert!(
        !deco.ready_to_ship,
        "tagged made-to-order despite its stock"
    );
    assert_eq!(deco.description, "Geometric lines, 1920s spirit.");
    let bangle = product(&products, "gold-bangle");
    assert_eq!(bangle.kind.as_deref(), Some("bangle"));
    assert!(bangle.ready_to_ship, "tagged ready-to-ship without stock");
    assert_eq!(
        product(&products, "tennis-bracelet").kind.as_deref(),
        Some("tennis bracelet")
    );
    let signet = product(&products, "signet-ring");
    assert_eq!(
        (signet.category, signet.kind.as_deref(), signet.metal),
        (Category::Rings, Some("signet ring"), Metal::Silver)
    );
    assert_eq!(
        signet.description,
        "Engrave it with your initials 'AB' & more."
    );

    // No image: a placeholder for its category and metal, and a warning.
    let studs = product(&products, "lab-grown-diamond-studs");
    assert_eq!(
        (studs.category, studs.kind.as_deref(), studs.metal),
        (Category::Earrings, Some("studs"), Metal::WhiteGold)
    );
    assert_eq!(studs.stones.diamond, Some(DiamondOrigin::LabGrown));
    assert_eq!(
        studs.image_url,
        "/images/placeholders/earrings-white_gold.svg"
    );
    assert_eq!(studs.image_alt, "Lab Grown Diamond Studs in white gold");
}

#[test]
fn skipped_products_are_counted_by_reason_and_warnings_kept_apart_from_errors() {
    let report = report_of("shopify-good.csv");
    assert_eq!(report.errors, []);
    assert!(report.is_ok());
    assert_eq!(report.products, 8);
    assert_eq!(
        report.skipped,
        Skipped {
            unpublished: 1,
            unmapped: 1,
            not_sold: 0
        }
    );
    let warnings: Vec<(u64, Option<&str>)> = report
        .warnings
        .iter()
        .map(|w| (w.row, w.column.as_deref()))
        .collect();
    assert_eq!(warnings, [(26, Some("Image Src")), (27, None)]);
    assert!(
        report.warnings[1]
            .message
            .contains("`Gold Dress Watch` maps to no category")
    );
    let rendered = report.render_warnings("shopify-good.csv");
    assert!(
        rendered.starts_with("shopify-good.csv: warning: row 26, column Image Src: no image"),
        "{rendered}"
    );
    // The store asked for unmapped products: the watch comes in as `other`.
    let other = ImportOptions {
        unmapped: Unmapped::Other,
        ..options()
    };
    let products: Vec<Product> =
        read_products(fixture("shopify-good.csv"), Format::ShopifyCsv, &other)
            .collect::<Result<_, _>>()
            .unwrap();
    let watch = product(&products, "gold-watch");
    assert_eq!(
        (watch.category, watch.kind.as_deref(), watch.metal),
        (Category::Other, Some("watch"), Metal::YellowGold)
    );
}

#[test]
fn the_current_shopify_format_reads_variants_metafields_and_stones() {
    let products = products_of("shopify-current.csv");
    let ids: Vec<&str> = products.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "oval-halo-engagement-ring",
            "lab-grown-diamond-studs",
            "classic-wedding-band",
            "initial-disc-pendant",
        ]
    );
    let ring = &products[0];
    assert_eq!(
        (ring.category, ring.kind.as_deref()),
        (Category::Rings, Some("engagement ring"))
    );
    assert_eq!(
        ring.all_metals(),
        [Metal::WhiteGold, Metal::RoseGold, Metal::Platinum]
    );
    assert_eq!(
        ring.price_range(),
        (Money::from_minor(240_000), Money::from_minor(315_000))
    );
    assert!(ring.ready_to_ship, "one variant has stock");
    assert_eq!(
        ring.stones,
        Stones {
            diamond: Some(DiamondOrigin::LabGrown),
            carat: Some("1.00, 1.50".into()),
            setting: Some("Halo".into()),
            ..Stones::default()
        }
    );
    assert_eq!(ring.styles, ["romantic", "vintage"]);
    assert_eq!(
        ring.description,
        "An oval centre stone in a halo of pavé diamonds. Made to your size in our Lyon atelier – allow 3 weeks."
    );
    assert_eq!(ring.image_alt, "Oval halo ring, top view");
    let studs = &products[1];
    assert_eq!(
        (studs.kind.as_deref(), studs.metal, studs.stones.diamond),
        (
            Some("studs"),
            Metal::YellowGold,
            Some(DiamondOrigin::LabGrown)
        )
    );
    assert!(
        studs
            .image_url
            .starts_with("/images/placeholders/earrings-")
    );
    let band = &products[2];
    assert_eq!(
        (band.category, band.kind.as_deref(), band.metal),
        (Category::Rings, Some("wedding band"), Metal::YellowGold)
    );
    assert_eq!(band.price_max, None, "every size costs the same");
    let pendant = &products[3];
    assert_eq!(pendant.kind.as_deref(), Some("pendant"));
    assert_eq!(pendant.all_metals(), [Metal::YellowGold, Metal::Silver]);
    assert_eq!(pendant.price, Money::from_minor(14_000));
    assert!(
        pendant.stones.is_empty(),
        "a metal colour is not a stone colour"
    );

    let report = report_of("shopify-current.csv");
    assert_eq!(
        (
            report.products,
            report.skipped.unpublished,
            report.skipped.unmapped
        ),
        (4, 3, 2)
    );
    // The studs' placeholder, the gift card and the watch in no category.
    assert_eq!(report.warning_count(), 3, "{:?}", report.warnings);
}

#[test]
fn excel_copies_of_an_export_import_the_same_products() {
    let original = products_of("shopify-current.csv");
    for copy in [
        "shopify-current-excel-utf8.csv",
        "shopify-current-excel-semicolon.csv",
    ] {
        assert_eq!(format_of(copy), Format::ShopifyCsv, "{copy}");
        assert_eq!(products_of(copy), original, "{copy}");
    }
    assert_eq!(
        products_of("woocommerce-excel-1252.csv"),
        products_of("woocommerce.csv")
    );
}

#[test]
fn a_woocommerce_export_groups_variations_under_their_parent_wherever_they_are() {
    let products = products_of("woocommerce.csv");
    let ids: Vec<&str> = products.iter().map(|p| p.id.as_str()).collect();
    // Simple products as they come; variable products at the end of the file.
    assert_eq!(ids, ["tb-pt-7", "hoop-rg-s", "sol-ring"]);
    let ring = product(&products, "sol-ring");
    assert_eq!(
        (ring.category, ring.kind.as_deref()),
        (Category::Rings, Some("engagement ring"))
    );
    assert_eq!(ring.all_metals(), [Metal::YellowGold, Metal::Platinum]);
    // The sale price is the price while it is set.
    assert_eq!(
        ring.price_range(),
        (Money::from_minor(179_000), Money::from_minor(245_000))
    );
    assert!(ring.ready_to_ship);
    assert_eq!(ring.stones.diamond, Some(DiamondOrigin::Natural));
    assert_eq!(ring.platform_id.as_deref(), Some("101"));
    assert_eq!(
        ring.image_url,
        "https://shop.example.com/wp-content/uploads/2026/10/solitaire-1.jpg"
    );
    assert_eq!(ring.url, "/product/round-solitaire-engagement-ring");
    assert_eq!(
        ring.description,
        "A round brilliant diamond, 0.70 ct, on a knife-edge band."
    );
    let tennis = product(&products, "tb-pt-7");
    assert_eq!(
        (tennis.metal, tennis.price, tennis.ready_to_ship),
        (Metal::Platinum, Money::from_minor(425_000), false)
    );
    assert_eq!(tennis.stones.diamond, Some(DiamondOrigin::Natural));
    assert_eq!(tennis.description, "Forty round diamonds, 4.00 ctw.");
    let hoops = product(&products, "hoop-rg-s");
    assert_eq!(
        (hoops.kind.as_deref(), hoops.metal, hoops.styles.as_slice()),
        (
            Some("hoops"),
            Metal::RoseGold,
            ["minimalist".to_string()].as_slice()
        )
    );
    assert!(hoops.image_url.starts_with("/images/placeholders/"));

    let report = report_of("woocommerce.csv");
    assert_eq!(report.errors, []);
    assert_eq!(
        report.skipped,
        Skipped {
            unpublished: 2,
            unmapped: 1,
            not_sold: 3
        }
    );
    assert_eq!(report.warning_count(), 2);
}

#[test]
fn a_variation_whose_parent_is_missing_is_an_error_at_its_row() {
    let header = std::io::BufRead::lines(std::io::BufReader::new(fixture("woocommerce.csv")))
        .next()
        .unwrap()
        .unwrap();
    let columns = header.matches(',').count();
    let mut row = vec![""; columns + 1];
    // ID, Type, SKU, Name, …, Regular price (24), …, Parent (31).
    row[0] = "7";
    row[1] = "variation";
    row[3] = "Lost";
    row[24] = "100";
    row[31] = "id:999";
    let text = format!("{header}\n{}\n", row.join(","));
    let report = validate(text.as_bytes(), Format::WooCommerceCsv, &options());
    assert_eq!(located(&report), [(2, Some("Parent"))]);
    assert!(
        report.errors[0]
            .message
            .contains("`id:999` is not in the file")
    );
}

#[test]
fn a_price_that_reads_two_ways_and_a_file_in_no_known_encoding_are_errors_with_their_row() {
    let header = "Handle;Title;Type;Tags;Variant Price;Image Src\r\n";
    let text = format!("{header}ring;Ring;Ring;Gold;1.250;/r.jpg\r\n");
    let report = validate(text.as_bytes(), Format::ShopifyCsv, &options());
    assert_eq!(located(&report), [(2, Some("Variant Price"))]);
    assert!(report.errors[0].message.contains("two ways"), "{report:?}");

    let mut bytes = b"Handle,Title,Type,Tags,Variant Price,Image Src\n".to_vec();
    bytes.extend_from_slice("ring,Bague Éternité,Ring,Gold,10,/r.jpg\n".as_bytes());
    bytes.extend_from_slice(b"band,Caf\xE9 Band,Ring,Gold,10,/b.jpg\n");
    let report = validate(bytes.as_slice(), Format::ShopifyCsv, &options());
    assert_eq!(located(&report), [(3, None)]);
    assert!(
        report.errors[0]
            .message
            .contains("neither UTF-8 nor Windows-1252"),
        "{report:?}"
    );
}

#[test]
fn every_bad_shopify_row_is_reported_at_its_row_and_column() {
    let report = report_of("shopify-broken.csv");
    assert_eq!(
        located(&report),
        [
            (4, Some("Variant Price")),
            (5, Some("Variant Inventory Qty")),
            (7, Some("Handle")),
            (9, Some("Variant Price")),
            (14, Some("Handle")),
            (15, Some("Variant Price")),
        ]
    );
    // Warnings, not errors: the watch maps to no category, the titanium ring and the mystery
    // ring to no metal we know (left out), the ring without an image gets a placeholder.
    // "Café" in Windows-1252 is read as such.
    let warned: Vec<(u64, Option<&str>)> = report
        .warnings
        .iter()
        .map(|w| (w.row, w.column.as_deref()))
        .collect();
    assert_eq!(
        warned,
        [
            (6, None),
            (10, Some("Option1 Value")),
            (10, Some("Tags")),
            (11, Some("Tags")),
            (16, Some("Image Src")),
        ]
    );
    assert!(
        report.warnings[1]
            .message
            .starts_with("`Titanium` names no metal")
    );
    assert_eq!(report.skipped.unmapped, 3);
    assert_eq!(
        report.products, 4,
        "utf8-ring, the two necklaces, no-image-ring"
    );
    assert!(!report.is_ok());
}

#[test]
fn shopify_errors_say_what_is_wrong_with_the_value() {
    let report = report_of("shopify-broken.csv");
    let message = |row, column| error_at(&report, row, Some(column)).message.clone();
    assert_eq!(message(4, "Variant Price"), "`12,5x` is not a price");
    assert_eq!(
        message(5, "Variant Inventory Qty"),
        "`3.5` is not a whole number"
    );
    assert!(message(7, "Handle").starts_with("`Bad Handle!` is not a valid handle"));
    assert_eq!(message(9, "Variant Price"), "`-10.00` is not a price");
    assert_eq!(
        message(14, "Handle"),
        "product id `fine-necklace` is already used at row 12"
    );
    assert_eq!(
        message(15, "Variant Price"),
        "`0.00` is not a price: it must be more than 0"
    );
    let rendered = report.render("shopify-broken.csv");
    assert!(
        rendered.starts_with(
            "shopify-broken.csv: row 4, column Variant Price: `12,5x` is not a price\n"
        ),
        "{rendered}"
    );
    assert_eq!(rendered.lines().count(), report.errors.len());
}

#[test]
fn a_missing_required_column_is_one_error_on_the_header_row() {
    let report = report_of("shopify-missing-column.csv");
    assert_eq!(located(&report), [(1, Some("Price"))]);
    assert_eq!(
        report.errors[0].message,
        "missing column `Price` (or `Variant Price` in an older export)"
    );
    assert_eq!(report.products, 0);
}

#[test]
fn an_empty_file_is_reported_as_empty_in_either_format() {
    for name in ["empty.csv", "empty.jsonl"] {
        let report = report_of(name);
        assert_eq!(located(&report), [(1, None)], "{name}");
        assert_eq!(report.errors[0].message, "the file is empty", "{name}");
        assert_eq!(report.products, 0);
    }
}

#[test]
fn a_header_without_rows_has_no_products_to_import() {
    let report = report_of("shopify-header-only.csv");
    assert_eq!(located(&report), [(1, None)]);
    assert!(report.errors[0].message.starts_with("no products"));
}

#[test]
fn the_json_lines_format_reads_products_and_skips_blank_lines() {
    let products = products_of("catalog-good.jsonl");
    let ids: Vec<_> = products.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "aurora-rose-gold-solitaire-ring",
            "luna-pearl-necklace",
            "etoile-art-deco-earrings"
        ]
    );
    let earrings = &products[2];
    assert_eq!(earrings.title, "Étoile Art Deco Earrings");
    assert_eq!(earrings.category, Category::Earrings);
    assert_eq!(earrings.metal, Metal::Platinum);
    assert_eq!(earrings.price.minor(), 245_000);
    assert!(earrings.ready_to_ship);
    assert_eq!(earrings.styles, ["art-deco", "vintage"]);
    let report = report_of("catalog-good.jsonl");
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.products, 3);
}

#[test]
fn every_bad_json_line_is_reported_with_its_field() {
    let report = report_of("catalog-broken.jsonl");
    assert_eq!(
        located(&report),
        [
            (2, Some("category")),
            (3, Some("price_cents")),
            (4, Some("colour")),
            (5, None),
            (7, None),
            (8, Some("id")),
            (9, Some("title")),
            (9, Some("styles")),
        ]
    );
    assert_eq!(report.products, 1);
    assert!(
        error_at(&report, 2, Some("category"))
            .message
            .starts_with("unknown category `tiaras`")
    );
    assert_eq!(
        error_at(&report, 3, Some("price_cents")).message,
        "`-500` is not a price: it must be more than 0"
    );
    assert_eq!(
        error_at(&report, 4, Some("colour")).message,
        "unknown field `colour`"
    );
    assert_eq!(error_at(&report, 5, None).message, "not valid UTF-8");
    assert_eq!(
        error_at(&report, 8, Some("id")).message,
        "product id `good-one` is already used at row 1"
    );
}

#[test]
fn reading_goes_on_past_bad_rows_so_one_pass_finds_them_all() {
    let results: Vec<_> =
        read_products(fixture("catalog-broken.jsonl"), Format::Json, &options()).collect();
    let good = results.iter().filter(|r| r.is_ok()).count();
    let bad = results.iter().filter(|r| r.is_err()).count();
    // The duplicate on line 8 is a product here: only `validate` knows the whole file.
    assert_eq!((good, bad), (2, 6));
}

#[test]
fn reading_the_same_file_twice_yields_the_same_ids_once_each() {
    let first: Vec<String> = products_of("shopify-good.csv")
        .into_iter()
        .map(|p| p.id)
        .collect();
    let second: Vec<String> = products_of("shopify-good.csv")
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(first, second);
    let unique: std::collections::HashSet<_> = first.iter().collect();
    assert_eq!(unique.len(), first.len());
}

fn csv_report(text: &str) -> ValidationReport {
    validate(text.as_bytes(), Format::ShopifyCsv, &options())
}

const SMALL_HEADER: &str =
    "Handle,Title,Type,Tags,Option1 Name,Option1 Value,Variant Price,Image Src,Image Alt Text\n";

#[test]
fn a_shopify_handle_in_capitals_is_lowercased_and_a_byte_order_mark_is_ignored() {
    let text = format!(
        "\u{FEFF}{SMALL_HEADER}Plain-Ring,Plain Ring,Ring,Gold,Title,Default Title,10,/p.jpg,\n"
    );
    let products: Vec<_> = read_products(text.as_bytes(), Format::ShopifyCsv, &options())
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(products.len(), 1);
    assert_eq!(products[0].id, "plain-ring");
    assert_eq!(products[0].url, "/products/plain-ring");
    assert_eq!(products[0].price.minor(), 1_000);
}

#[test]
fn blank_rows_are_ignored_and_extra_fields_are_an_error() {
    let text = format!(
        "{SMALL_HEADER},,,,,,,,\nplain-ring,Plain Ring,Ring,Gold,Title,Default Title,10,/p.jpg,,surplus\n"
    );
    let report = csv_report(&text);
    assert_eq!(located(&report), [(3, None)]);
    assert!(report.errors[0].message.contains("10 fields"), "{report:?}");
}

#[test]
fn a_handle_without_any_variant_price_is_an_error() {
    let text = format!("{SMALL_HEADER}plain-ring,Plain Ring,Ring,Gold,,,,/p.jpg,\n");
    assert_eq!(located(&csv_report(&text)), [(2, Some("Variant Price"))]);
}

#[test]
fn at_most_a_thousand_errors_are_kept_and_the_rest_counted() {
    let mut text = SMALL_HEADER.to_string();
    for i in 0..1_500 {
        text.push_str(&format!(
            "ring-{i},Ring,Ring,Gold,Title,Default Title,abc,/p.jpg,\n"
        ));
    }
    let report = csv_report(&text);
    assert_eq!(report.errors.len(), MAX_REPORTED_ERRORS);
    assert_eq!(report.more_errors, 500);
    assert!(
        report
            .render("big.csv")
            .ends_with("big.csv: and 500 more errors\n")
    );
}

/// A reader that makes a large file up as it is read, and counts the bytes it handed out.
struct Generated<F: FnMut(u64) -> Option<String>> {
    next_line: F,
    index: u64,
    pending: Vec<u8>,
    at: usize,
    served: Arc<AtomicU64>,
}

impl<F: FnMut(u64) -> Option<String>> Generated<F> {
    fn new(next_line: F) -> (Self, Arc<AtomicU64>) {
        let served = Arc::new(AtomicU64::new(0));
        let reader = Generated {
            next_line,
            index: 0,
            pending: Vec::new(),
            at: 0,
            served: Arc::clone(&served),
        };
        (reader, served)
    }
}

impl<F: FnMut(u64) -> Option<String>> Read for Generated<F> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.pending.len() {
            let Some(line) = (self.next_line)(self.index) else {
                return Ok(0);
            };
            self.index += 1;
            self.pending = line.into_bytes();
            self.at = 0;
        }
        let n = buf.len().min(self.pending.len() - self.at);
        buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        self.served.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

const DATA_ROWS: u64 = 100_000;

/// A Shopify export of 50,000 rings, two sizes each: 100,000 data rows.
fn generated_shopify_export() -> (impl Read + Send, Arc<AtomicU64>) {
    Generated::new(|index| match index {
        0 => Some(
            "Handle,Title,Body (HTML),Type,Tags,Option1 Name,Option1 Value,\
             Variant Inventory Qty,Variant Price,Image Src,Image Alt Text\n"
                .to_string(),
        ),
        i if i <= DATA_ROWS => {
            let n = (i - 1) / 2;
            Some(if i % 2 == 1 {
                format!(
                    "ring-{n},Ring {n},<p>Ring number {n} &amp; friends</p>,Rings,\"Classic, Silver\",\
                     Size,6,{},120.00,/img/{n}.jpg,Ring {n}\n",
                    n % 3
                )
            } else {
                format!("ring-{n},,,,,,7,0,125.00,,\n")
            })
        }
        _ => None,
    })
}

#[test]
fn a_100000_row_export_streams_without_holding_the_file() {
    let (reader, served) = generated_shopify_export();
    let mut products = read_products(reader, Format::ShopifyCsv, &options());
    let first = products.next().unwrap().unwrap();
    assert_eq!(first.id, "ring-0");
    let read_for_first = served.load(Ordering::Relaxed);
    let mut count = 1;
    for product in products {
        let product = product.unwrap();
        assert_eq!(product.price.minor(), 12_000);
        count += 1;
    }
    let total = served.load(Ordering::Relaxed);
    assert_eq!(count, DATA_ROWS / 2);
    assert!(total > 5_000_000, "the export is {total} bytes");
    assert!(
        read_for_first < 64 * 1024,
        "{read_for_first} bytes read before the first product"
    );
}

#[test]
fn validating_a_100000_row_export_counts_every_product() {
    let (reader, _) = generated_shopify_export();
    let report = validate(reader, Format::ShopifyCsv, &options());
    assert_eq!(report.errors, []);
    assert_eq!(report.products, DATA_ROWS / 2);
}

#[test]
fn validating_100000_json_lines_counts_every_product() {
    let (reader, _) = Generated::new(|i| {
        (i < DATA_ROWS).then(|| {
            format!(
                "{{\"id\":\"p-{i}\",\"title\":\"P {i}\",\"description\":\"\",\"category\":\"rings\",\
                 \"metal\":\"silver\",\"price_cents\":{},\"ready_to_ship\":false,\"styles\":[],\
                 \"image_url\":\"/p.jpg\",\"image_alt\":\"P\",\"url\":\"/products/p-{i}\"}}\n",
                i + 1
            )
        })
    });
    let report = validate(reader, Format::Json, &options());
    assert_eq!(report.errors, []);
    assert_eq!(report.products, DATA_ROWS);
}

/// The fenced block of `lang` in docs/catalog-import.md.
fn doc_example(lang: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/catalog-import.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let start = doc.find(&format!("```{lang}\n")).unwrap() + lang.len() + 4;
    let end = start + doc[start..].find("```").unwrap();
    doc[start..end].to_string()
}

#[test]
fn the_documented_shopify_example_imports_as_the_docs_say() {
    let example = doc_example("csv");
    let products: Vec<_> = read_products(example.as_bytes(), Format::ShopifyCsv, &options())
        .collect::<Result<_, _>>()
        .unwrap();
    let summary: Vec<_> = products
        .iter()
        .map(|p| {
            (
                p.id.as_str(),
                p.category,
                p.kind.as_deref(),
                p.all_metals(),
                p.price_range(),
                p.ready_to_ship,
                p.stones.diamond,
            )
        })
        .collect();
    let dollars = |n: i64| Money::from_minor(n * 100);
    assert_eq!(
        summary,
        [
            (
                "halo-ring",
                Category::Rings,
                Some("engagement ring"),
                vec![Metal::RoseGold, Metal::WhiteGold],
                (dollars(1_450), dollars(1_550)),
                true,
                Some(DiamondOrigin::LabGrown)
            ),
            (
                "pearl-drop-earrings",
                Category::Earrings,
                Some("drops"),
                vec![Metal::Silver],
                (dollars(89), dollars(89)),
                true,
                None
            ),
        ]
    );
    assert_eq!(
        products[0].description,
        "A halo of pavé diamonds & a cushion centre."
    );
    assert_eq!(products[0].styles, ["romantic", "vintage"]);
    assert_eq!(products[0].image_url, "https://cdn.example.com/halo.jpg");
    assert_eq!(
        products[1].image_url,
        "/images/placeholders/earrings-silver.svg"
    );
    let report = validate(example.as_bytes(), Format::ShopifyCsv, &options());
    assert_eq!((report.products, report.warning_count()), (2, 1));
}

#[test]
fn the_documented_json_lines_example_is_valid() {
    let example = doc_example("json");
    let report = validate(example.as_bytes(), Format::Json, &options());
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.products, 2);
}

fn csv_products(text: &str, format: Format) -> (Vec<Product>, ValidationReport) {
    let products = read_products(text.as_bytes(), format, &options())
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|errors| panic!("{errors:?}"));
    (products, validate(text.as_bytes(), format, &options()))
}

#[test]
fn several_options_describe_one_metal_and_a_stone_colour_is_not_a_metal() {
    let text = "Handle,Title,Type,Option1 Name,Option1 Value,Option2 Name,Option2 Value,\
                Option3 Name,Option3 Value,Variant Price,Image Src\n\
                band,Band,Rings,Gold Karat,14K,Gold Color,White,Stone,White Sapphire,900,/b.jpg\n\
                band,,,,18K,,Rose,,White Sapphire,1100,\n\
                ,,,,18K,,Yellow,,Pink Sapphire,1150,\n";
    let (products, report) = csv_products(text, Format::ShopifyCsv);
    assert_eq!(report.errors, []);
    assert_eq!(
        products.len(),
        1,
        "a blank handle continues the product above"
    );
    assert_eq!(
        products[0].all_metals(),
        [Metal::WhiteGold, Metal::RoseGold, Metal::YellowGold]
    );
    assert_eq!(products[0].price_max, Some(Money::from_minor(115_000)));
}

#[test]
fn a_variations_attributes_are_read_by_their_names_and_a_product_with_none_on_sale_is_skipped() {
    let header = "ID,Type,SKU,Name,Published,Regular price,Categories,Images,Parent,\
                  Attribute 1 name,Attribute 1 value(s),Attribute 2 name,Attribute 2 value(s)\n";
    let text = format!(
        "{header}\
         1,variable,RING,Ring,1,,Jewelry > Rings,/r.jpg,,Collection,Heritage,Metal,\"Platinum, 18K Rose Gold\"\n\
         2,variation,RING-PT,Ring - Platinum,1,2100,,,RING,Metal,Platinum,,\n\
         3,variation,RING-RG,Ring - Rose,1,1900,,,id:1,Metal,18K Rose Gold,,\n\
         4,variable,GONE,Retired Band,1,,Jewelry > Rings,/g.jpg,,Metal,Platinum,,\n\
         5,variation,GONE-PT,Retired Band - Platinum,0,900,,,GONE,Metal,Platinum,,\n"
    );
    let (products, report) = csv_products(&text, Format::WooCommerceCsv);
    assert_eq!(report.errors, []);
    assert_eq!(products.len(), 1);
    assert_eq!(products[0].all_metals(), [Metal::Platinum, Metal::RoseGold]);
    assert_eq!(products[0].price, Money::from_minor(190_000));
    assert_eq!(
        report.skipped.not_sold, 1,
        "the band's only variation is disabled"
    );
    assert!(
        report.warnings[0]
            .message
            .contains("`Retired Band` has no variation on sale")
    );
}

#[test]
fn a_woocommerce_sale_price_counts_only_between_its_dates() {
    let header = "ID,Type,SKU,Name,Published,Sale price,Date sale price starts,\
                  Date sale price ends,Regular price,Categories,Tags,Images,Parent\n";
    let text = format!(
        "{header}\
         1,simple,NOW,Now,1,80,2026-11-01,2026-12-31,100,Rings,Silver,/a.jpg,\n\
         2,simple,LATER,Later,1,80,2027-01-01,,100,Rings,Silver,/b.jpg,\n\
         3,simple,OVER,Over,1,80,,2026-11-30 23:59:59,100,Rings,Silver,/c.jpg,\n\
         4,simple,ALWAYS,Always,1,80,,,100,Rings,Silver,/d.jpg,\n"
    );
    let options = ImportOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
        ..options()
    };
    let prices: Vec<(String, i64)> =
        read_products(text.as_bytes(), Format::WooCommerceCsv, &options)
            .map(|p| p.unwrap())
            .map(|p| (p.id, p.price.minor()))
            .collect();
    let dollars = |id: &str, d: i64| (id.to_string(), d * 100);
    assert_eq!(
        prices,
        [
            dollars("now", 80),
            dollars("later", 100),
            dollars("over", 100),
            dollars("always", 80)
        ]
    );
}

#[test]
fn a_duplicate_handle_is_named_by_the_files_own_column() {
    // The same handle again after another product (together, its rows are one product).
    let text = "Title,URL handle,Type,Tags,Price\nRing,ring,Rings,Gold,10\n\
                Band,band,Rings,Gold,12\nRing again,ring,Rings,Gold,14\n";
    let report = validate(text.as_bytes(), Format::ShopifyCsv, &options());
    assert_eq!(located(&report), [(4, Some("URL handle"))]);
}
