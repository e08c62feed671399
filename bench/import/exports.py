"""Writes a store's export of N jewelry products, in the shape the platform writes it:

  exports.py shopify N > products_export.csv       Shopify's current header row (from the fixture),
                                                   each product on 3 rows: 2 metal variants + 1 image
  exports.py woocommerce N > wc-product-export.csv  WooCommerce's header row (from the fixture), a
                                                   third of the products variable with 2 variations
                                                   each, listed by id (so variations trail their
                                                   parent by a few rows), the rest simple
  exports.py orders N > orders_export_1.csv        Shopify's orders export (the fixture's 79-column
                                                   header), N rows: orders of 1 to 4 line items, the
                                                   order's fields on its first row, a mix of paid,
                                                   fulfilled, refunded, cancelled and pending
"""
import csv
import random
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "crates/core/tests/fixtures"
kind, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
types = ["Engagement Rings", "Wedding Bands", "Pendants", "Stud Earrings", "Hoops", "Tennis Bracelets", "Bangles"]
metals = ["14K Yellow Gold", "14K White Gold", "18K Rose Gold", "Platinum", "Sterling Silver"]
out = csv.writer(sys.stdout, lineterminator="\n")


def header(name):
    """The fixture's header row, written out, and a maker of rows by column name."""
    with open(FIXTURES / name, newline="", encoding="utf-8") as f:
        names = next(csv.reader(f))
    out.writerow(names)
    at = {n: i for i, n in enumerate(names)}

    def row(**kw):
        r = [""] * len(names)
        for k, v in kw.items():
            r[at[k]] = v
        return r

    return row


if kind == "shopify":
    row = header("shopify-current.csv")

    for i in range(count):
        handle = f"bench-{i}"
        first, second = rng.sample(metals, 2)
        price = rng.randrange(90, 9000)
        out.writerow(row(**{"Title": f"{first} {rng.choice(types)} No. {i}", "URL handle": handle,
            "Description": f"<p>Piece number {i} &amp; its <strong>story</strong>.</p>",
            "Type": rng.choice(types), "Tags": "Classic, Vintage", "Published on online store": "TRUE",
            "Status": "Active", "Option1 name": "Metal", "Option1 value": first, "Price": f"{price}.00",
            "Inventory quantity": str(rng.randrange(0, 3)), "Product image URL": f"https://cdn.example.com/{handle}-1.jpg",
            "Image position": "1", "Image alt text": f"Piece {i}",
            "Diamond Type (product.metafields.custom.diamond_type)": rng.choice(["Lab-grown", "Natural", ""])}))
        out.writerow(row(**{"URL handle": handle, "Option1 value": second, "Price": f"{price + 150}.00", "Inventory quantity": "0"}))
        out.writerow(row(**{"URL handle": handle, "Product image URL": f"https://cdn.example.com/{handle}-2.jpg", "Image position": "2"}))
elif kind == "woocommerce":
    row = header("woocommerce.csv")

    pending = []
    next_id = 1000
    for i in range(count):
        category = rng.choice(["Jewelry > Rings", "Jewelry > Necklaces", "Jewelry > Earrings > Studs", "Jewelry > Bracelets"])
        price = rng.randrange(90, 9000)
        next_id += 1
        if i % 3 == 0:
            parent_id, sku = next_id, f"BENCH-{i}"
            first, second = rng.sample(metals, 2)
            out.writerow(row(**{"ID": str(parent_id), "Type": "variable", "SKU": sku, "Name": f"Piece No. {i}",
                "Published": "1", "Visibility in catalog": "visible", "Description": f"<p>Piece {i}.</p>",
                "In stock?": "1", "Categories": category, "Tags": "Classic", "Images": f"https://shop.example.com/{sku}.jpg",
                "Attribute 1 name": "Metal", "Attribute 1 value(s)": f"{first}, {second}"}))
            for metal, extra in [(first, 0), (second, 150)]:
                next_id += 1
                pending.append(row(**{"ID": str(next_id), "Type": "variation", "SKU": f"{sku}-{extra}", "Name": f"Piece No. {i} - {metal}",
                    "Published": "1", "In stock?": "1", "Stock": "2", "Regular price": str(price + extra), "Parent": sku,
                    "Attribute 1 name": "Metal", "Attribute 1 value(s)": metal}))
        else:
            out.writerow(row(**{"ID": str(next_id), "Type": "simple", "SKU": f"BENCH-{i}", "Name": f"Piece No. {i}",
                "Published": "1", "Visibility in catalog": "visible", "Description": f"<p>Piece {i}.</p>", "In stock?": "0",
                "Regular price": str(price), "Categories": category, "Tags": rng.choice(metals), "Images": f"https://shop.example.com/s{i}.jpg"}))
        if len(pending) > 6:
            for r in pending:
                out.writerow(r)
            pending = []
    for r in pending:
        out.writerow(r)
elif kind == "orders":
    row = header("orders/shopify-orders.csv")
    rows, number = 0, 1000
    while rows < count:
        number += 1
        day = 1 + number % 28
        created = f"2026-10-{day:02d} 10:{number % 60:02d}:00 -0500"
        financial, fulfilment = rng.choice([("paid", "fulfilled"), ("paid", "unfulfilled"), ("paid", "partial"),
                                            ("refunded", ""), ("pending", "unfulfilled"), ("partially_refunded", "fulfilled")])
        items = min(rng.randrange(1, 5), count - rows)
        for item in range(items):
            metal = rng.choice(metals)
            fields = {"Name": f"#{number}", "Email": f"buyer{number}@example.com", "Created at": created,
                      "Lineitem quantity": "1", "Lineitem name": f"{rng.choice(types)} No. {item} - {metal} / {rng.choice(['5', '6.5', '7'])}",
                      "Lineitem price": f"{rng.randrange(90, 9000)}.00", "Lineitem sku": f"SKU-{number}-{item}",
                      "Lineitem requires shipping": "true", "Lineitem taxable": "true", "Vendor": "Bench Jewelers"}
            if item == 0:
                fields.update({"Financial Status": financial, "Paid at": created if financial != "pending" else "",
                               "Fulfillment Status": fulfilment,
                               "Fulfilled at": f"2026-11-{day:02d} 09:00:00 -0500" if fulfilment in ("fulfilled", "partial") else "",
                               "Currency": "USD", "Total": "100.00", "Id": str(5_000_000_000 + number),
                               "Tags": "made-to-order" if number % 17 == 0 else "",
                               "Cancelled at": f"2026-10-{day:02d} 18:00:00 -0500" if financial == "refunded" else ""})
            out.writerow(row(**fields))
            rows += 1
else:
    sys.exit("usage: exports.py shopify|woocommerce|orders N")
