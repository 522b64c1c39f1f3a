-- peerlink signalling registry, version 1: devices bound to their keys (trust on first use) and their aliases.
CREATE TABLE devices (
    device_id    TEXT    NOT NULL PRIMARY KEY,
    public_key   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    network_json TEXT
);
CREATE TABLE aliases (
    kind      TEXT NOT NULL,
    value     TEXT NOT NULL,
    device_id TEXT NOT NULL REFERENCES devices(device_id) ON DELETE CASCADE,
    PRIMARY KEY (kind, value)
);
CREATE INDEX aliases_by_device ON aliases(device_id);
