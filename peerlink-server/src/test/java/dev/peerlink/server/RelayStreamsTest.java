package dev.peerlink.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.turn.server.TurnServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The embedded relay's TCP port and TLS listener (turns:) follow the server config. */
class RelayStreamsTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    @Test
    void relayListensOnTheConfiguredTcpAndTlsPorts() throws Exception {
        int tcp;
        try (ServerSocket free = new ServerSocket(0, 1, LO)) {
            tcp = free.getLocalPort();
        }
        PeerlinkServerConfig.Relay relay = new PeerlinkServerConfig.Relay(new InetSocketAddress(LO, 0), Optional.of(LO), "peerlink",
                Optional.of("relay-streams-secret"), List.of(),
                new PeerlinkServerConfig.TurnStreams(tcp, 0, Optional.empty(), Optional.empty()));
        try (PeerlinkServer server = PeerlinkServer.start(new PeerlinkServerConfig(new InetSocketAddress(LO, 0), Optional.empty(),
                Optional.of(relay), Optional.empty(), Optional.empty()))) {
            TurnServer turn = server.relay().orElseThrow();
            assertThat(turn.tcpAddress().getPort()).isEqualTo(tcp);
            assertThat(turn.tlsAddress()).isNotNull();
            assertThat(turn.tlsAddress().getPort()).isNotIn(tcp, turn.udpAddress().getPort());
        }
    }

    @Test
    void withoutStreamsSettingsThereIsNoTlsListener() throws Exception {
        PeerlinkServerConfig.Relay relay = new PeerlinkServerConfig.Relay(new InetSocketAddress(LO, 0), Optional.of(LO), "peerlink",
                Optional.of("relay-streams-secret"), List.of());
        try (PeerlinkServer server = PeerlinkServer.start(new PeerlinkServerConfig(new InetSocketAddress(LO, 0), Optional.empty(),
                Optional.of(relay), Optional.empty(), Optional.empty()))) {
            TurnServer turn = server.relay().orElseThrow();
            assertThat(turn.tlsAddress()).isNull();
            assertThat(turn.tcpAddress()).isNotNull();
        }
    }
}
