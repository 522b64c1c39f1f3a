-- The cluster's device registry (what the single-process server keeps in SQLite peerlink.db).
CREATE TABLE registry_devices (
    device_id    TEXT PRIMARY KEY,
    public_key   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen    BIGINT NOT NULL,
    network_json TEXT
);
-- An alias belongs to one device at a time: the primary key is the cluster-wide uniqueness check.
CREATE TABLE registry_aliases (
    kind      TEXT NOT NULL,
    value     TEXT NOT NULL,
    device_id TEXT NOT NULL REFERENCES registry_devices(device_id) ON DELETE CASCADE,
    PRIMARY KEY (kind, value)
);
CREATE INDEX registry_aliases_device ON registry_aliases(device_id);
