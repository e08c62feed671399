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

-- Shopper messages join the full-text index in batches after they are stored (the store's
-- `sqlite::text_index`), not by a trigger inside every append: `last_rowid` is the last
-- message the index covers. Deleting a message removes it from the index only if it was
-- indexed, and keeps `last_rowid` at or below the highest rowid, so a message that reuses a
-- deleted rowid is indexed too.
-- The index is rebuilt without each message's size (`columnsize = 0`): the search never
-- ranks, and each message costs one write less to index.
DROP TRIGGER messages_text_insert;
DROP TRIGGER messages_text_delete;
DROP TABLE messages_text;
CREATE VIRTUAL TABLE messages_text USING fts5 (
    text, content = 'messages', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2',
    columnsize = 0
);
INSERT INTO messages_text (rowid, text) SELECT rowid, text FROM messages WHERE role = 'shopper';
CREATE TABLE messages_text_indexed (last_rowid INTEGER NOT NULL);
INSERT INTO messages_text_indexed (last_rowid) SELECT coalesce(max(rowid), 0) FROM messages;
CREATE TRIGGER messages_text_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_text (messages_text, rowid, text)
        SELECT 'delete', old.rowid, old.text
        WHERE old.role = 'shopper'
            AND old.rowid <= (SELECT last_rowid FROM messages_text_indexed);
    UPDATE messages_text_indexed
        SET last_rowid = (SELECT coalesce(max(rowid), 0) FROM messages)
        WHERE last_rowid > (SELECT coalesce(max(rowid), 0) FROM messages);
END;
