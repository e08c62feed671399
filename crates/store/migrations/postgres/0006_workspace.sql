-- The support workspace: staff accounts, their sessions, the staff audit log, and how support
-- works each ticket (status, assignee, tags, the response clock, internal notes).
CREATE TABLE staff_users (
    id                       TEXT PRIMARY KEY,
    email                    TEXT NOT NULL UNIQUE,
    role                     TEXT NOT NULL,
    password_hash            TEXT,
    password_link_hash       TEXT UNIQUE,
    password_link_expires_at TIMESTAMPTZ,
    created_at               TIMESTAMPTZ NOT NULL,
    disabled_at              TIMESTAMPTZ
);

CREATE TABLE staff_sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES staff_users (id),
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX staff_sessions_by_user ON staff_sessions (user_id);
CREATE INDEX staff_sessions_by_created ON staff_sessions (created_at);

CREATE TABLE staff_audit (
    id      TEXT PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL
);
CREATE INDEX staff_audit_by_at ON staff_audit (at);

ALTER TABLE tickets ADD COLUMN status TEXT NOT NULL DEFAULT 'new';
ALTER TABLE tickets ADD COLUMN assignee_id TEXT REFERENCES staff_users (id);
ALTER TABLE tickets ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE tickets ADD COLUMN awaiting_since TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN updated_at TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN order_number TEXT;
-- What the inbox's text filter looks in: reference, email, order number and name, lower case.
ALTER TABLE tickets ADD COLUMN search TEXT NOT NULL DEFAULT '';
UPDATE tickets SET awaiting_since = created_at, updated_at = created_at,
    order_number = details::jsonb ->> 'order_number';
UPDATE tickets SET search = lower(reference || ' ' || email || ' ' || coalesce(order_number, '')
    || ' ' || coalesce(name, ''));
-- The inbox reads only this index (its first query finds a page's references, filtered and
-- sorted; the second reads those few rows): it covers every column the inbox filters or sorts
-- on, so a query that matches most tickets scans a few megabytes, not every ticket's transcript.
CREATE INDEX tickets_inbox ON tickets (status, kind, assignee_id, awaiting_since, created_at, reference, search);
-- A shopper's other tickets.
CREATE INDEX tickets_by_email ON tickets (lower(email), created_at);

CREATE TABLE ticket_notes (
    id        TEXT PRIMARY KEY,
    reference TEXT NOT NULL REFERENCES tickets (reference),
    at        TIMESTAMPTZ NOT NULL,
    author    TEXT NOT NULL,
    text      TEXT NOT NULL
);
CREATE INDEX ticket_notes_by_ticket ON ticket_notes (reference, at);
