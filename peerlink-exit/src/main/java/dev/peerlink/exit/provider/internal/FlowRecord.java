package dev.peerlink.exit.provider.internal;

import java.time.Instant;

/**
 * One flow as the provider's flow log keeps it: when it started, for whom, where to, the address actually dialled
 * (null when refused before resolving), {@code ok} or the error code, bytes each way and how long it lasted.
 * {@code cut} names the error that ended an opened flow early (quota), else null.
 */
public record FlowRecord(Instant time, String proto, String requester, String host, int port, String ip, String result,
                         long bytesUp, long bytesDown, long durationMs, String cut) {}
