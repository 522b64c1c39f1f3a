package dev.peerlink.peer.internal.birthday;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerlink.peer.internal.ladder.LadderSide;
import dev.peerlink.server.PeerlinkServer;
import dev.peerlink.server.PeerlinkServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The birthday step's coordination on loopback: two {@link BirthdayStep}s exchange their {@code birthday} signals in
 * memory, the easy one learns its mapping from a real STUN server, and the probes search the kernel's ephemeral port
 * range (the loopback "NAT" maps every socket to its own port; N = 256 of R = 28232 ports, M = 2048: ≈ 1 − 1e-8).
 */
class BirthdayStepTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    record Reached(DatagramChannel channel, InetSocketAddress remote) {}

    @Test
    void signalsThroughTheServerLeadBothSidesToOneSocketPairEach() throws Exception {
        int before = BirthdaySockets.open();
        BirthdayParams p = BirthdayParams.defaults().withRange(32768, 60999).withProbes(2048).withRate(10_000);
        try (PeerlinkServer stun = PeerlinkServer.start(new PeerlinkServerConfig(new InetSocketAddress(LO, 0), Optional.empty()))) {
            InetSocketAddress stunAddr = stun.stun().udpAddresses().get(0);
            CompletableFuture<Reached> easyGot = new CompletableFuture<>();
            CompletableFuture<Reached> hardGot = new CompletableFuture<>();
            AtomicReference<BirthdayStep> easyRef = new AtomicReference<>();
            AtomicReference<BirthdayStep> hardRef = new AtomicReference<>();
            // signals go to the other step on another thread, as through the server
            BirthdayStep easy = new BirthdayStep("step", false, true, p,
                    o -> deliver(hardRef.get(), o, stunAddr), (ch, r) -> easyGot.complete(new Reached(ch, r)));
            BirthdayStep hard = new BirthdayStep("step", true, false, p,
                    o -> deliver(easyRef.get(), o, stunAddr), (ch, r) -> hardGot.complete(new Reached(ch, r)));
            easyRef.set(easy);
            hardRef.set(hard);
            easy.start(stunAddr);
            Reached e = easyGot.get(10, TimeUnit.SECONDS);
            Reached h = hardGot.get(10, TimeUnit.SECONDS);
            assertThat(e.remote().getPort()).isEqualTo(h.channel().socket().getLocalPort());
            assertThat(h.remote().getPort()).isEqualTo(e.channel().socket().getLocalPort());
            easy.close();
            hard.close();
            e.channel().close();
            h.channel().close();
            BirthdayTest.waitUntil(() -> BirthdaySockets.open() == before);
        }
    }

    @Test
    void aSignalNamingAnotherIpThanTheBrokeredPeerIsIgnored() throws Exception {
        int before = BirthdaySockets.open();
        BirthdayParams p = BirthdayParams.defaults().withSockets(8);
        CompletableFuture<ObjectNode> sent = new CompletableFuture<>();
        try (BirthdayStep hard = new BirthdayStep("s", true, false, p, sent::complete, (ch, r) -> { })) {
            hard.onSignal(LadderSide.JSON.createObjectNode().put("t", "birthday").put("addr", "198.51.100.9:4000"),
                    LO, LO, null, null);
            assertThat(sent).isNotDone(); // no sockets opened, nothing sent anywhere
            assertThat(BirthdaySockets.open()).isEqualTo(before);
        }
    }

    private static void deliver(BirthdayStep to, ObjectNode o, InetSocketAddress stun) {
        Thread.ofVirtual().start(() -> to.onSignal(o, LO, LO, null, stun));
    }
}
