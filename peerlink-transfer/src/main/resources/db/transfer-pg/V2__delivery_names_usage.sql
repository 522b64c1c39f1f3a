-- version 2 (PostgreSQL), as db/transfer/V2__delivery_names_usage.sql:
-- upload_sessions.context: opaque text owned by the transfer server (target, name, tier link), survives restarts.
-- deliveries.name: the sender's file name (or null for a text message), shown by the target's inbox.
-- device_usage: bytes a device uploaded per UTC day (daily quota).
ALTER TABLE upload_sessions ADD COLUMN context TEXT;
ALTER TABLE deliveries ADD COLUMN name TEXT;
CREATE TABLE device_usage (
    device_id TEXT    NOT NULL,
    day       BIGINT  NOT NULL,
    bytes     BIGINT  NOT NULL CHECK (bytes >= 0),
    PRIMARY KEY (device_id, day)
);
CREATE INDEX upload_sessions_by_update ON upload_sessions(state, updated_at);
