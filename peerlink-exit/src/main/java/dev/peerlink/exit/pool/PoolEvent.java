package dev.peerlink.exit.pool;

/** What the exit pool tells its user (the CLI prints each as one JSON line). */
public sealed interface PoolEvent {
    /** A provider connection is up (make-before-break: before it is needed). */
    record Connected(String provider, String path, long setupMs) implements PoolEvent {}

    /** New flows now go to {@code provider}; {@code reason} null for the first choice, else why it changed. */
    record Exit(String provider, String path, double rttMs, double score, String reason) implements PoolEvent {}

    /** A provider connection ended or stopped answering. */
    record ProviderLost(String provider, String reason) implements PoolEvent {}

    /** A provider could not be connected. */
    record ConnectFailed(String provider, String reason) implements PoolEvent {}
}
