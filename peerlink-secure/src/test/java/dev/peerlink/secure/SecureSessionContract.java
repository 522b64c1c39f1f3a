package dev.peerlink.secure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What every {@link SecureSession} transport must do; one subclass per transport. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class SecureSessionContract {
    static final DeviceIdentity ALICE = DeviceIdentity.generate();
    static final DeviceIdentity BOB = DeviceIdentity.generate();
    static final DeviceIdentity MALLORY = DeviceIdentity.generate();

    Harness harness;
    final List<AutoCloseable> toClose = new ArrayList<>();

    abstract Harness newHarness();

    @BeforeEach
    void setUp() {
        harness = newHarness();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        harness.close();
    }

    Harness.Pair pair(SessionConfig config, boolean viaProxy) throws Exception {
        Harness.Pair p = harness.pair(ALICE, BOB, config, viaProxy);
        toClose.add(p);
        return p;
    }

    Harness.Pair pair() throws Exception {
        return pair(SessionConfig.defaults(), false);
    }

    // ------------------------------------------------------------------ authentication

    @Test
    void mutualAuthenticationWithPinnedKeys() throws Exception {
        Harness.Pair p = pair();
        assertThat(p.client().peerIdentity()).isEqualTo(BOB.publicIdentity());
        assertThat(p.server().peerIdentity()).isEqualTo(ALICE.publicIdentity());
        assertThat(p.client().isOpen()).isTrue();
        SecureStream s = p.client().openStream();
        s.output().write("ping".getBytes(StandardCharsets.UTF_8));
        s.output().close();
        SecureStream r = p.server().acceptStream();
        assertThat(new String(r.input().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("ping");
    }

    @Test
    void clientRefusesAServerThatIsNotThePinnedPeer() throws Exception {
        // Alice expects Bob, but a man in the middle (Mallory, with her own key) answers
        Harness.Attempt at = harness.start(ALICE, BOB.publicIdentity(), MALLORY, ALICE.publicIdentity(),
                SessionConfig.defaults().withHandshakeTimeout(Duration.ofSeconds(3)), false);
        Throwable c = Harness.failureOf(at.client());
        assertThat(c).isInstanceOf(SecureHandshakeException.class);
        assertThat(((SecureHandshakeException) c).pinMismatch()).isTrue();
        assertThat(Harness.failureOf(at.server())).isNotNull();
    }

    @Test
    void serverRefusesAClientThatIsNotThePinnedPeer() throws Exception {
        // Bob expects Alice, but Mallory connects with her own key (pinning Bob correctly)
        Harness.Attempt at = harness.start(MALLORY, BOB.publicIdentity(), BOB, ALICE.publicIdentity(),
                SessionConfig.defaults().withHandshakeTimeout(Duration.ofSeconds(3)), false);
        Throwable c = Harness.failureOf(at.client());
        assertThat(c).isInstanceOf(SecureHandshakeException.class);
        assertThat(((SecureHandshakeException) c).pinMismatch()).as("client told it was refused: %s", c).isTrue();
        Throwable s = Harness.failureOf(at.server());
        assertThat(s).isInstanceOf(SecureHandshakeException.class);
        assertThat(((SecureHandshakeException) s).pinMismatch()).isTrue();
    }

    // ------------------------------------------------------------------ streams

    @Test
    void tenMegabytesEachWayOnOneStreamIntact() throws Exception {
        Harness.Pair p = pair();
        byte[] up = random(10 << 20, 1);
        byte[] down = random(10 << 20, 2);
        SecureStream c = p.client().openStream();
        CompletableFuture<byte[]> serverGot = new CompletableFuture<>();
        p.server().onStream(s -> {
            try {
                Thread writer = Thread.ofVirtual().start(() -> writeAndFin(s.output(), down));
                serverGot.complete(s.input().readAllBytes());
                writer.join();
            } catch (Exception e) {
                serverGot.completeExceptionally(e);
            }
        });
        Thread writer = Thread.ofVirtual().start(() -> writeAndFin(c.output(), up));
        byte[] clientGot = c.input().readAllBytes();
        writer.join();
        assertThat(sha256(serverGot.get(30, TimeUnit.SECONDS))).isEqualTo(sha256(up));
        assertThat(sha256(clientGot)).isEqualTo(sha256(down));
    }

    @Test
    void severalConcurrentStreams() throws Exception {
        Harness.Pair p = pair();
        p.server().onStream(SecureSessionContract::echo);
        int n = 8;
        List<CompletableFuture<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] data = random(512 * 1024 + i * 1000, 10 + i);
            SecureStream s = p.client().openStream();
            CompletableFuture<Boolean> r = new CompletableFuture<>();
            results.add(r);
            Thread.ofVirtual().start(() -> writeAndFin(s.output(), data));
            Thread.ofVirtual().start(() -> {
                try {
                    r.complete(MessageDigest.isEqual(sha256(s.input().readAllBytes()), sha256(data)));
                } catch (Exception e) {
                    r.completeExceptionally(e);
                }
            });
        }
        for (CompletableFuture<Boolean> r : results) {
            assertThat(r.get(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void halfCloseLikeNetcatDashN() throws Exception {
        Harness.Pair p = pair();
        SecureStream c = p.client().openStream();
        c.output().write("question".getBytes(StandardCharsets.UTF_8));
        c.output().close(); // FIN: we are done sending, still reading
        SecureStream s = p.server().acceptStream();
        byte[] got = s.input().readAllBytes(); // returns at the FIN
        assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("question");
        assertThat(s.input().read()).isEqualTo(-1);
        s.output().write("answer after your FIN".getBytes(StandardCharsets.UTF_8));
        s.output().close();
        assertThat(new String(c.input().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("answer after your FIN");
        assertThatThrownBy(() -> c.output().write(1)).isInstanceOf(IOException.class);
    }

    @Test
    void resetAbortsThePeersReads() throws Exception {
        Harness.Pair p = pair();
        SecureStream c = p.client().openStream();
        c.output().write(new byte[100]);
        c.output().flush();
        SecureStream s = p.server().acceptStream();
        s.input().readNBytes(100);
        c.reset();
        assertThatThrownBy(() -> s.input().read()).isInstanceOf(IOException.class);
    }

    @Test
    void streamsOpenedFromBothSides() throws Exception {
        Harness.Pair p = pair();
        p.client().onStream(SecureSessionContract::echo);
        SecureStream s = p.server().openStream();
        writeAndFin(s.output(), "from the responder".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(s.input().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("from the responder");
    }

    // ------------------------------------------------------------------ datagrams

    @Test
    void datagramsBothWays() throws Exception {
        Harness.Pair p = pair();
        ConcurrentLinkedQueue<String> atServer = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> atClient = new ConcurrentLinkedQueue<>();
        p.server().onDatagram(d -> atServer.add(new String(d, StandardCharsets.UTF_8)));
        p.client().onDatagram(d -> atClient.add(new String(d, StandardCharsets.UTF_8)));
        await().atMost(Duration.ofSeconds(5)).until(() -> p.client().maxDatagramSize() > 1000);
        // QUIC datagrams may be lost; on loopback they are not, but keep sending until one lands
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            p.client().sendDatagram("hello datagram".getBytes(StandardCharsets.UTF_8));
            p.server().sendDatagram("and back".getBytes(StandardCharsets.UTF_8));
            return atServer.contains("hello datagram") && atClient.contains("and back");
        });
        assertThatThrownBy(() -> p.client().sendDatagram(new byte[p.client().maxDatagramSize() + 1]))
                .isInstanceOf(IOException.class);
    }

    // ------------------------------------------------------------------ liveness and close

    @Test
    void peerVanishingIsDetectedWithinSeconds() throws Exception {
        SessionConfig fast = SessionConfig.defaults().withIdleTimeout(Duration.ofMillis(500), Duration.ofSeconds(2));
        Harness.Pair p = pair(fast, true);
        AtomicReference<CloseReason> clientSaw = new AtomicReference<>();
        AtomicReference<CloseReason> serverSaw = new AtomicReference<>();
        p.client().addListener((s, r, c) -> clientSaw.set(r));
        p.server().addListener((s, r, c) -> serverSaw.set(r));
        // the path works and stays up through several keepalive intervals
        SecureStream s = p.client().openStream();
        s.output().write(1);
        s.output().flush();
        p.server().acceptStream().input().read();
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(3)).until(() -> p.client().isOpen() && p.server().isOpen());
        long t0 = System.nanoTime();
        p.proxy().blackhole();
        await().atMost(Duration.ofSeconds(5)).until(() -> clientSaw.get() != null && serverSaw.get() != null);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(clientSaw.get()).isEqualTo(CloseReason.IDLE_TIMEOUT);
        assertThat(serverSaw.get()).isEqualTo(CloseReason.IDLE_TIMEOUT);
        assertThat(ms).isLessThan(5000);
        assertThatThrownBy(() -> s.output().write(new byte[1 << 20])).isInstanceOf(IOException.class);
    }

    @Test
    void closeIsReportedToThePeer() throws Exception {
        Harness.Pair p = pair();
        AtomicReference<CloseReason> serverSaw = new AtomicReference<>();
        AtomicReference<CloseReason> clientSaw = new AtomicReference<>();
        p.server().addListener((s, r, c) -> serverSaw.set(r));
        p.client().addListener((s, r, c) -> clientSaw.set(r));
        p.client().close();
        await().atMost(Duration.ofSeconds(5)).until(() -> serverSaw.get() != null);
        assertThat(serverSaw.get()).isEqualTo(CloseReason.PEER_CLOSE);
        assertThat(clientSaw.get()).isEqualTo(CloseReason.LOCAL_CLOSE);
        assertThat(p.server().acceptStream()).isNull();
        assertThatThrownBy(() -> p.client().openStream()).isInstanceOf(IOException.class);
    }

    /**
     * A close at once after the handshake, while keepalive PINGs and their replies are still crossing, must still
     * reach the peer as PEER_CLOSE: the closer drains until the peer's end instead of resetting the connection.
     */
    @Test
    void closeRightAfterTheHandshakeIsReportedAsPeerCloseEveryTime() throws Exception {
        for (int round = 0; round < 40; round++) {
            Harness.Pair p = pair();
            AtomicReference<CloseReason> serverSaw = new AtomicReference<>();
            p.server().addListener((s, r, c) -> serverSaw.set(r));
            p.client().close();
            await().atMost(Duration.ofSeconds(5)).until(() -> serverSaw.get() != null);
            assertThat(serverSaw.get()).as("round %d", round).isEqualTo(CloseReason.PEER_CLOSE);
        }
    }

    // ------------------------------------------------------------------ confidentiality

    @Test
    void plaintextNeverAppearsOnTheWire() throws Exception {
        Harness.Pair p = pair(SessionConfig.defaults(), true);
        byte[] marker = "PEERLINK-PLAINTEXT-MARKER-7f3a9c".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[256 * 1024];
        for (int i = 0; i + marker.length <= body.length; i += marker.length) {
            System.arraycopy(marker, 0, body, i, marker.length);
        }
        p.server().onStream(SecureSessionContract::echo);
        SecureStream s = p.client().openStream();
        Thread.ofVirtual().start(() -> writeAndFin(s.output(), body));
        assertThat(s.input().readAllBytes()).isEqualTo(body);
        ConcurrentLinkedQueue<byte[]> dgrams = new ConcurrentLinkedQueue<>();
        p.server().onDatagram(dgrams::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> p.client().maxDatagramSize() >= marker.length);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            p.client().sendDatagram(marker);
            return !dgrams.isEmpty();
        });
        byte[] wire = p.proxy().captured();
        assertThat(wire.length).isGreaterThan(2 * body.length);
        assertThat(indexOf(wire, marker)).as("marker on the wire").isEqualTo(-1);
        assertThat(indexOf(wire, "PEERLINK".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
    }

    // ------------------------------------------------------------------ helpers

    static void echo(SecureStream s) {
        try (InputStream in = s.input(); OutputStream out = s.output()) {
            in.transferTo(out);
        } catch (IOException e) {
            s.reset();
        }
    }

    static void writeAndFin(OutputStream out, byte[] data) {
        try {
            for (int off = 0; off < data.length; off += 100_000) {
                out.write(data, off, Math.min(100_000, data.length - off));
            }
            out.close();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
