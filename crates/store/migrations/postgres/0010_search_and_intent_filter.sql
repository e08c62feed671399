-- The order shopper messages were stored in (SQLite's rowid plays this part): the workspace's
-- word search reads the full-text matches newest first in this order, a page at a time.
ALTER TABLE messages ADD COLUMN id BIGSERIAL;
CREATE INDEX messages_shopper_order ON messages (id) WHERE role = 'shopper';

-- The intents a conversation's messages were understood as, one bit each (the store's
-- `intent_bit`), kept by every append: the workspace's intent filter reads the conversation
-- alone, and no index per message slows the appends down.
ALTER TABLE conversations ADD COLUMN intents BIGINT NOT NULL DEFAULT 0;
UPDATE conversations SET intents = intents | 1 WHERE id IN (SELECT conversation_id FROM messages WHERE intent = 'greeting');
UPDATE conversations SET intents = intents | 2 WHERE id IN (SELECT conversation_id FROM messages WHERE intent = 'find_product');
UPDATE conversations SET intents = intents | 4 WHERE id IN (SELECT conversation_id FROM messages WHERE intent = 'track_order');
UPDATE conversations SET intents = intents | 8 WHERE id IN (SELECT conversation_id FROM messages WHERE intent = 'returns');
UPDATE conversations SET intents = intents | 16 WHERE id IN (SELECT conversation_id FROM messages WHERE intent = 'stylist');
UPDATE conversations SET intents = intents | 32 WHERE id IN (SELECT conversation_id FROM messages WHERE intent = 'style_quiz');
UPDATE conversations SET intents = intents | 64 WHERE id IN (SELECT conversation_id FROM messages WHERE intent = 'shortlist');
UPDATE conversations SET intents = intents | 128 WHERE id IN (SELECT conversation_id FROM messages WHERE intent = 'help');
UPDATE conversations SET intents = intents | 256 WHERE id IN (SELECT conversation_id FROM messages WHERE intent = 'unknown');
DROP INDEX messages_intent;
