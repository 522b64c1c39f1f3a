package dev.peerlink.peer.internal.ladder;

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
 * network information, the table routing the server's {@code signal} messages to the run of their session, and the
 * external endpoints of verified gateway TCP mappings of the device's persistent listener ({@code mapped} candidates;
 * empty when there is none).
 */
public record LadderContext(DeviceIdentity self, SignallingClient signalling, QuicTransport quic, LadderConfig config,
                            ScheduledExecutorService timers, Supplier<NetworkInfo> network,
                            Map<String, LadderSide> routes, Supplier<java.util.List<java.net.InetSocketAddress>> mappedTcp) {
    /**
     * Without a persistent mapped listener.
     */
    public LadderContext(DeviceIdentity self, SignallingClient signalling, QuicTransport quic, LadderConfig config,
                         ScheduledExecutorService timers, Supplier<NetworkInfo> network, Map<String, LadderSide> routes) {
        this(self, signalling, quic, config, timers, network, routes, java.util.List::of);
    }
}
