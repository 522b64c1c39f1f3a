-- QoS map buckets shared by the instances of a cluster: the same columns as db/share-qos/V1__qos_buckets.sql
-- (SQLite); hour_of_week -1 = the cell over all hours. Sums are decayed and normalised to ref_ms
-- (dev.peerlink.share.qos.QosBucket); instances add their deltas to a row (dev.peerlink.share.qos.QosBuckets).
-- devices: up to 64 entries of 16 bytes (8-byte salted device hash, 8-byte last-seen epoch ms).
CREATE TABLE qos_buckets (
    cell         BIGINT           NOT NULL,
    hour_of_week INTEGER          NOT NULL,
    ref_ms       BIGINT           NOT NULL,
    samples      BIGINT           NOT NULL,
    weight       DOUBLE PRECISION NOT NULL,
    rtt_weight   DOUBLE PRECISION NOT NULL,
    rtt_sum      DOUBLE PRECISION NOT NULL,
    down_weight  DOUBLE PRECISION NOT NULL,
    down_sum     DOUBLE PRECISION NOT NULL,
    up_weight    DOUBLE PRECISION NOT NULL,
    up_sum       DOUBLE PRECISION NOT NULL,
    loss_weight  DOUBLE PRECISION NOT NULL,
    loss_sum     DOUBLE PRECISION NOT NULL,
    offline_ms   DOUBLE PRECISION NOT NULL,
    period_ms    DOUBLE PRECISION NOT NULL,
    devices      BYTEA            NOT NULL,
    PRIMARY KEY (cell, hour_of_week)
);
-- The one salt every instance hashes device ids with (the first instance's proposal wins).
CREATE TABLE qos_salt (
    id   SMALLINT NOT NULL PRIMARY KEY CHECK (id = 1),
    salt BYTEA    NOT NULL
);
