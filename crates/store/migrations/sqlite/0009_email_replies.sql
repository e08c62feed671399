-- Replies staff email to shoppers: the reply is a ticket note (with the address it went to) and
-- a row of the email outbox, written in one transaction; a background sender delivers the
-- outbox with retries, so a mail server that is down loses nothing.
ALTER TABLE ticket_notes ADD COLUMN email_to TEXT;

CREATE TABLE email_outbox (
    id              TEXT PRIMARY KEY,
    note_id         TEXT NOT NULL REFERENCES ticket_notes (id),
    reference       TEXT NOT NULL,
    to_email        TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT,
    last_error      TEXT
);
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX email_outbox_note ON email_outbox (note_id);
