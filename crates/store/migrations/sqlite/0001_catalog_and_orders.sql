CREATE TABLE products (
    id            TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL,
    category      TEXT NOT NULL,
    metal         TEXT NOT NULL,
    price_cents   BIGINT NOT NULL CHECK (price_cents >= 0),
    ready_to_ship BOOLEAN NOT NULL,
    styles        TEXT NOT NULL,
    image_url     TEXT NOT NULL,
    image_alt     TEXT NOT NULL,
    url           TEXT NOT NULL
);

CREATE TABLE catalog_meta (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO catalog_meta (id, version) VALUES (1, 0);

CREATE TABLE orders (
    number     TEXT PRIMARY KEY,
    email      TEXT NOT NULL,
    placed_at  TEXT NOT NULL
);

CREATE TABLE order_items (
    order_number  TEXT NOT NULL REFERENCES orders (number) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    product_id    TEXT,
    title         TEXT NOT NULL,
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    price_cents   BIGINT NOT NULL CHECK (price_cents >= 0),
    ring_size     TEXT,
    made_to_order BOOLEAN NOT NULL,
    PRIMARY KEY (order_number, position)
);

CREATE TABLE order_events (
    order_number    TEXT NOT NULL REFERENCES orders (number) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    status          TEXT NOT NULL,
    at              TEXT NOT NULL,
    carrier         TEXT,
    tracking_number TEXT,
    tracking_url    TEXT,
    note            TEXT,
    PRIMARY KEY (order_number, position)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
