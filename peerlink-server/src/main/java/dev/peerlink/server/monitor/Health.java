package dev.peerlink.server.monitor;

/** A monitored mapping's state. */
public enum Health {
    /** Reported, not verified yet. */
    PENDING,
    /** The last probe round was answered. */
    HEALTHY,
    /** A probe round failed; no remap sent yet (budget or device unreachable). */
    BROKEN,
    /** A probe round failed and the device was told to remap; waiting for a verified new (or recovered) mapping. */
    REPAIRING
}
