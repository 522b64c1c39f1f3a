package dev.peerlink.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.stun.StunDecoder;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.XorMappedAddress;
import dev.peerlink.turn.server.TurnServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The embedded STUN server and relay serve IPv6 beside IPv4 when given IPv6 addresses. */
class DualStackServerTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    @Test
    void stunAndRelayAnswerOnIpv6Too() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(v6, 0))) {
            probe.getLocalPort();
        } catch (IOException e) {
            System.out.println("DualStackServerTest skipped: no ::1 (" + e + ")");
            Assumptions.abort("no ::1");
        }
        PeerlinkServerConfig.Relay relay = new PeerlinkServerConfig.Relay(new InetSocketAddress(LO, 0), Optional.of(LO), "peerlink",
                Optional.of("dual-stack-secret"), List.of(), PeerlinkServerConfig.TurnStreams.DEFAULT, Optional.empty(),
                new PeerlinkServerConfig.RelayV6(Optional.of(v6), Optional.of(v6)));
        PeerlinkServerConfig config = new PeerlinkServerConfig(new InetSocketAddress(LO, 0), Optional.empty(), Optional.of(relay),
                Optional.empty(), Optional.empty()).withStunListen6(v6);
        try (PeerlinkServer server = PeerlinkServer.start(config)) {
            int stunPort = server.stun().udpAddresses().getFirst().getPort();
            assertThat(server.stun().udpAddresses6()).containsExactly(new InetSocketAddress(v6, stunPort));
            TurnServer turn = server.relay().orElseThrow();
            assertThat(turn.udpAddress6()).isEqualTo(new InetSocketAddress(v6, turn.udpAddress().getPort()));
            for (InetSocketAddress target : List.of(new InetSocketAddress(v6, stunPort), turn.udpAddress6())) {
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(v6, 0))) {
                    s.setSoTimeout(3000);
                    byte[] req = StunEncoder.standard().encode(StunMessage.request(StunMethod.BINDING).build());
                    s.send(new DatagramPacket(req, req.length, target));
                    byte[] buf = new byte[1500];
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    StunMessage resp = StunDecoder.standard().decode(java.util.Arrays.copyOf(buf, p.getLength()));
                    assertThat(resp.attribute(XorMappedAddress.class).orElseThrow().address())
                            .as("reflexive address from %s", target).isEqualTo(s.getLocalSocketAddress());
                }
            }
        }
    }
}
