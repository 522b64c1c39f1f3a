-- The Wi-Fi radio map: survey reference points and what each heard. Access points are hashed
-- network ids (wifi:<32 hex>), never raw BSSIDs. Shares the database file with the QoS map, so every
-- table here starts with radio_.
CREATE TABLE radio_reference_points (
    id INTEGER PRIMARY KEY,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    alt REAL,
    site TEXT NOT NULL
);

CREATE TABLE radio_point_rssi (
    point_id INTEGER NOT NULL REFERENCES radio_reference_points(id) ON DELETE CASCADE,
    network_id TEXT NOT NULL,
    rssi INTEGER NOT NULL,
    PRIMARY KEY (point_id, network_id)
);

CREATE INDEX radio_reference_points_site ON radio_reference_points(site);
