-- Products keep what their variants describe: a price range, every metal, the finer type, the
-- stones, and the store platform's own id (for its webhooks to find them).
ALTER TABLE products ADD COLUMN price_max_cents INTEGER;
ALTER TABLE products ADD COLUMN metals TEXT NOT NULL DEFAULT '[]';
ALTER TABLE products ADD COLUMN kind TEXT;
ALTER TABLE products ADD COLUMN stones TEXT NOT NULL DEFAULT '{}';
ALTER TABLE products ADD COLUMN platform_id TEXT;
CREATE INDEX products_by_platform_id ON products (platform_id);
