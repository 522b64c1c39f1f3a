-- peerlink transfer metadata, version 1: contents and their chunks, ownership, deliveries, resumable uploads.
-- Content IDs are 'sha256:<hex>' text; manifests are stored in their canonical encoding (docs/transfer.md).
CREATE TABLE contents (
    id          TEXT    NOT NULL PRIMARY KEY,
    size        INTEGER NOT NULL CHECK (size >= 0),
    manifest_id TEXT    NOT NULL,
    manifest    BLOB    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE TABLE chunks (
    id         TEXT    NOT NULL PRIMARY KEY,
    size       INTEGER NOT NULL CHECK (size > 0),
    created_at INTEGER NOT NULL
);
CREATE TABLE content_chunks (
    content_id TEXT    NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    chunk_id   TEXT    NOT NULL,
    PRIMARY KEY (content_id, idx)
);
CREATE INDEX content_chunks_by_chunk ON content_chunks(chunk_id);
CREATE TABLE ownership (
    device_id   TEXT    NOT NULL,
    content_id  TEXT    NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
    acquired_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, content_id)
);
CREATE TABLE deliveries (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    content_id    TEXT    NOT NULL REFERENCES contents(id),
    sender_device TEXT    NOT NULL,
    target_device TEXT    NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX deliveries_by_target ON deliveries(target_device, state);
CREATE TABLE upload_sessions (
    id         TEXT    NOT NULL PRIMARY KEY,
    device_id  TEXT    NOT NULL,
    content_id TEXT    NOT NULL,
    manifest   BLOB    NOT NULL,
    state      TEXT    NOT NULL CHECK (state IN ('challenged', 'uploading', 'complete', 'failed')),
    challenge  BLOB    NOT NULL,
    needed     BLOB,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX upload_sessions_by_device ON upload_sessions(device_id, state);
CREATE TABLE upload_chunks (
    session_id  TEXT    NOT NULL REFERENCES upload_sessions(id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, idx)
);
