package dev.peerlink.server.signal;

import dev.peerlink.server.monitor.MonitorConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import dev.peerlink.server.share.ShareConfig;
import dev.peerlink.server.transfer.TransferConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The signalling service: where it listens, where it keeps its registry, and its limits.
 *
 * @param dataDir directory of the SQLite registry ({@code peerlink.db}); empty keeps it in memory (tests)
 * @param enrollToken when present, a device's first registration must carry it (closed deployments)
 * @param heartbeat interval the server asks devices to ping at; a connection silent for
 *        {@code missedHeartbeats} intervals is closed
 * @param registerTimeout a connection that has not registered by then is closed
 * @param answerTimeout how long a connect request waits for the target's answer (and stays in its
 *        pending list); then the initiator gets {@code error timeout}
 * @param sessionIdle a brokered session with no signal for this long is forgotten
 * @param mappingMonitor probes the port mappings devices report and orders remaps (docs/protocol.md, "Mapping
 *        monitor"); empty disables it
 * @param maxConnections connections held at most (each is a file descriptor); beyond it new connections are
 *        closed at once. 0 (the default): the process's open-file limit less the descriptors open at start and
 *        a reserve of 384 (registry, mapping-monitor probes, diagnostics)
 * @param transfer the deduplicated-transfer endpoint ({@code /v1/transfer} on the same port); empty disables it
 * @param share the network-sharing broker and QoS map (docs/sharing.md); empty disables them
 * @param meters where the service and its parts register their meters ({@code PeerlinkServer} passes the registry its
 *        admin listener serves); by default a private {@link SimpleMeterRegistry} nobody reads
 */
public record SignalServerConfig(InetSocketAddress listen, Optional<Tls> tls, Optional<Path> dataDir,
                                 Optional<String> enrollToken, Duration heartbeat, int missedHeartbeats,
                                 Duration registerTimeout, Duration answerTimeout, Duration sessionIdle,
                                 Duration relayCredentialTtl, Limits limits, Optional<MonitorConfig> mappingMonitor,
                                 int maxConnections, Optional<TransferConfig> transfer, Optional<ShareConfig> share,
                                 MeterRegistry meters) {
    public static final int DEFAULT_PORT = 7000;
    public static final String PATH = "/v1/signal";

    /** PEM certificate chain and PEM (PKCS#8) private key. */
    public record Tls(Path certificateChain, Path privateKey) {}

    /**
     * @param maxFrameBytes largest WebSocket message (after reassembly)
     * @param messagesPerSecond sustained messages per connection; {@code burst} above it; beyond: closed
     * @param registrationsPerIpPerMinute register attempts per source IP per minute; beyond: refused and closed
     * @param maxSessionsPerDevice live brokered sessions a device may have initiated
     * @param maxProtocolErrors malformed or refused frames a connection may send before it is closed
     */
    public record Limits(int maxFrameBytes, double messagesPerSecond, int burst, int registrationsPerIpPerMinute,
                         int maxSessionsPerDevice, int maxProtocolErrors) {
        public static Limits defaults() {
            return new Limits(64 * 1024, 20, 60, 60, 32, 10);
        }
    }

    public SignalServerConfig {
        if (missedHeartbeats < 1 || heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat must be positive");
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections must be 0 (from the open-file limit) or positive");
        }
        enrollToken = enrollToken.filter(t -> !t.isEmpty());
        java.util.Objects.requireNonNull(meters, "meters");
    }

    /** The same configuration registering its meters in {@code registry}. */
    public SignalServerConfig withMeters(MeterRegistry registry) {
        return new SignalServerConfig(listen, tls, dataDir, enrollToken, heartbeat, missedHeartbeats, registerTimeout,
                answerTimeout, sessionIdle, relayCredentialTtl, limits, mappingMonitor, maxConnections, transfer, share, registry);
    }

    public static SignalServerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private InetSocketAddress listen = new InetSocketAddress(DEFAULT_PORT);
        private Tls tls;
        private Path dataDir;
        private String enrollToken;
        private Duration heartbeat = Duration.ofSeconds(60);
        private int missedHeartbeats = 3;
        private Duration registerTimeout = Duration.ofSeconds(10);
        private Duration answerTimeout = Duration.ofSeconds(30);
        private Duration sessionIdle = Duration.ofMinutes(10);
        private Duration relayCredentialTtl = Duration.ofHours(1);
        private Limits limits = Limits.defaults();
        private MonitorConfig mappingMonitor = MonitorConfig.defaults();
        private int maxConnections;
        private TransferConfig transfer;
        private ShareConfig share = ShareConfig.defaults();
        private MeterRegistry meters;

        public Builder listen(InetSocketAddress a) { this.listen = a; return this; }
        public Builder tls(Path cert, Path key) { this.tls = new Tls(cert, key); return this; }
        public Builder dataDir(Path dir) { this.dataDir = dir; return this; }
        public Builder enrollToken(String token) { this.enrollToken = token; return this; }
        public Builder heartbeat(Duration d) { this.heartbeat = d; return this; }
        public Builder missedHeartbeats(int n) { this.missedHeartbeats = n; return this; }
        public Builder registerTimeout(Duration d) { this.registerTimeout = d; return this; }
        public Builder answerTimeout(Duration d) { this.answerTimeout = d; return this; }
        public Builder sessionIdle(Duration d) { this.sessionIdle = d; return this; }
        public Builder relayCredentialTtl(Duration d) { this.relayCredentialTtl = d; return this; }
        public Builder limits(Limits l) { this.limits = l; return this; }
        /** Null disables the mapping monitor. */
        public Builder mappingMonitor(MonitorConfig m) { this.mappingMonitor = m; return this; }
        /** 0: from the open-file limit (the default). */
        public Builder maxConnections(int n) { this.maxConnections = n; return this; }

        /** Null (the default) runs no transfer endpoint. */
        public Builder transfer(TransferConfig t) { this.transfer = t; return this; }

        /** Null disables network sharing and the QoS map (on by default). */
        public Builder share(ShareConfig s) { this.share = s; return this; }

        /** Where meters are registered (default: a private registry nobody reads). */
        public Builder meters(MeterRegistry m) { this.meters = m; return this; }

        public SignalServerConfig build() {
            return new SignalServerConfig(listen, Optional.ofNullable(tls), Optional.ofNullable(dataDir),
                    Optional.ofNullable(enrollToken), heartbeat, missedHeartbeats, registerTimeout, answerTimeout,
                    sessionIdle, relayCredentialTtl, limits, Optional.ofNullable(mappingMonitor), maxConnections,
                    Optional.ofNullable(transfer), Optional.ofNullable(share), meters != null ? meters : new SimpleMeterRegistry());
        }
    }
}
