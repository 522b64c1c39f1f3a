package dev.peerlink.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.stun.AttributeRegistry;
import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunDecoder;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.TransactionId;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code peerlink server}'s classic-STUN switch reaches both the STUN server and the relay's Binding. */
class ClassicStunSwitchTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private static final StunDecoder CLASSIC = StunDecoder.classicTolerant(AttributeRegistry.standard());

    @TempDir
    Path dir;

    @ParameterizedTest(name = "classic STUN {0}")
    @ValueSource(booleans = {true, false})
    void switchCoversStunAndRelay(boolean on) throws Exception {
        PeerlinkServerConfig config = new PeerlinkServerConfig(new InetSocketAddress(LO, 0), Optional.empty(),
                Optional.of(new PeerlinkServerConfig.Relay(new InetSocketAddress(LO, 0), Optional.of(LO), "peerlink",
                        Optional.empty(), List.of())), Optional.empty(), Optional.empty())
                .withDataDir(dir).withClassicStun(on);
        try (PeerlinkServer server = PeerlinkServer.start(config);
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            s.setSoTimeout(3000);
            for (InetSocketAddress to : List.of(server.stun().udpAddresses().get(0), server.relay().orElseThrow().udpAddress())) {
                byte[] classic = StunEncoder.standard().encode(StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST,
                        TransactionId.random()).classic(0x01020304).build(), MessageProtection.NONE);
                StunMessage modern = StunMessage.request(StunMethod.BINDING).build();
                byte[] m = StunEncoder.standard().encode(modern);
                s.send(new DatagramPacket(classic, classic.length, to));
                s.send(new DatagramPacket(m, m.length, to));
                // Loopback keeps order: with the switch on the classic answer comes first, off only the modern one comes.
                StunMessage first = receive(s);
                assertThat(first.isClassic()).as("first answer from %s", to).isEqualTo(on);
                if (on) {
                    assertThat(receive(s).transactionId()).isEqualTo(modern.transactionId());
                }
            }
        }
    }

    private static StunMessage receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return CLASSIC.decode(Arrays.copyOf(buf, p.getLength()));
    }
}
