-- The store's knowledge file (`aurora knowledge import`): its text as imported, and a version
-- every instance polls to reload it without a restart, as `catalog_meta` does for the catalog.
CREATE TABLE knowledge (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    version     BIGINT NOT NULL,
    text        TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
