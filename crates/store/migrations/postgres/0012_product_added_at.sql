-- When the store added each product: set by the import that first brings it in and kept by
-- later ones, for the shopper's "newest" order. Products imported before this column existed
-- have none until their next import.
ALTER TABLE products ADD COLUMN added_at TIMESTAMPTZ;
