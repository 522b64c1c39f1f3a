package dev.peerlink.peer.internal;

import dev.peerlink.peer.LadderConfig;
import dev.peerlink.peer.SignallingClient;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.QuicTransport;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * What every ladder run of one device shares: its identity, signalling connection, QUIC transport, timers, current
 * network information, and the table routing the server's {@code signal} messages to the run of their session.
 */
public record LadderContext(DeviceIdentity self, SignallingClient signalling, QuicTransport quic, LadderConfig config,
                            ScheduledExecutorService timers, Supplier<NetworkInfo> network,
                            Map<String, LadderSide> routes) {}
