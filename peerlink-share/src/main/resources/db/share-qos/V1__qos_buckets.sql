-- QoS map buckets: one row per (H3 cell, hour of week); hour_of_week -1 = the cell over all hours.
-- Sums are decayed and normalised to ref_ms (see dev.peerlink.share.qos.QosBucket).
-- devices: up to 64 entries of 16 bytes (8-byte salted device hash, 8-byte last-seen epoch ms).
CREATE TABLE qos_buckets (
    cell         INTEGER NOT NULL,
    hour_of_week INTEGER NOT NULL,
    ref_ms       INTEGER NOT NULL,
    samples      INTEGER NOT NULL,
    weight       REAL    NOT NULL,
    rtt_weight   REAL    NOT NULL,
    rtt_sum      REAL    NOT NULL,
    down_weight  REAL    NOT NULL,
    down_sum     REAL    NOT NULL,
    up_weight    REAL    NOT NULL,
    up_sum       REAL    NOT NULL,
    loss_weight  REAL    NOT NULL,
    loss_sum     REAL    NOT NULL,
    offline_ms   REAL    NOT NULL,
    period_ms    REAL    NOT NULL,
    devices      BLOB    NOT NULL,
    PRIMARY KEY (cell, hour_of_week)
) WITHOUT ROWID;
