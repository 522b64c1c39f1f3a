package dev.peerlink.peer.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.peer.internal.stream.SessionPairs.Pair;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.PeerRef;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.SessionConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MigratingConnectionTest {
    private static final int SIZE = 10 * 1024 * 1024;
    private final SessionPairs pairs = new SessionPairs();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        pairs.close();
    }

    private MigratingConnection[] connect(Pair p, String path) {
        MigratingConnection a = new MigratingConnection(ref(pairs.b, "b"), "s1", true, p.a(), path, Duration.ofMillis(1));
        MigratingConnection b = new MigratingConnection(ref(pairs.a, "a"), "s1", false, p.b(), path, Duration.ofMillis(1));
        toClose.add(a);
        toClose.add(b);
        return new MigratingConnection[] {a, b};
    }

    private static PeerRef ref(dev.peerlink.secure.DeviceIdentity id, String name) {
        return new PeerRef(DeviceId.of(name), id.publicIdentity().toBase64());
    }

    /** Writes {@code size} seeded random bytes in seeded random-sized writes, then END; returns the SHA-256. */
    private static CompletableFuture<String> send(OutputStream out, long seed, int size) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                Random r = new Random(seed);
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[200_000];
                int left = size;
                while (left > 0) {
                    int n = Math.min(left, 1 + r.nextInt(buf.length));
                    r.nextBytes(buf);
                    out.write(buf, 0, n);
                    md.update(buf, 0, n);
                    left -= n;
                }
                out.close();
                f.complete(HexFormat.of().formatHex(md.digest()));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Reads to EOF; returns "length:sha256". */
    private static CompletableFuture<String> receive(InputStream in, AtomicLong count) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[50_000];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    md.update(buf, 0, n);
                    count.addAndGet(n);
                }
                f.complete(count.get() + ":" + HexFormat.of().formatHex(md.digest()));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    @ParameterizedTest(name = "{0} -> {1}, initiator migrates first: {2}")
    @CsvSource({"tls, tls, true", "tls, tls, false", "tls, quic, true", "quic, quic, false"})
    void tenMegabytesEachWayAcrossAMove(String from, String to, boolean initiatorFirst) throws Exception {
        SessionConfig cfg = SessionConfig.defaults();
        Pair first = pairs.pair(from, cfg);
        Pair second = pairs.pair(to, cfg); // ready before the transfer starts, so the move lands in its middle
        MigratingConnection[] c = connect(first, "relay");
        List<String> movesA = new CopyOnWriteArrayList<>();
        List<String> movesB = new CopyOnWriteArrayList<>();
        c[0].onPathChange((f, t) -> movesA.add(f + "->" + t));
        c[1].onPathChange((f, t) -> movesB.add(f + "->" + t));

        SecureStream sa = c[0].openStream();
        SecureStream sb = c[1].acceptStream();
        AtomicLong atB = new AtomicLong();
        AtomicLong atA = new AtomicLong();
        CompletableFuture<String> sentAB = send(sa.output(), 1, SIZE);
        CompletableFuture<String> sentBA = send(sb.output(), 2, SIZE);
        CompletableFuture<String> gotB = receive(sb.input(), atB);
        CompletableFuture<String> gotA = receive(sa.input(), atA);

        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
                .until(() -> atA.get() + atB.get() > 6_000_000);
        long t0 = System.nanoTime();
        int firstSide = initiatorFirst ? 0 : 1;
        c[firstSide].migrate(firstSide == 0 ? second.a() : second.b(), "direct");
        long before = atA.get() + atB.get();
        // the other side moves a little later: once more data flowed (the first mover's peer still sends on the old path)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                .until(() -> atA.get() + atB.get() > before + 300_000
                || atA.get() + atB.get() >= 2L * SIZE);
        long between = atA.get() + atB.get() - before;
        c[1 - firstSide].migrate(firstSide == 0 ? second.b() : second.a(), "direct");

        assertThat(gotB.get(60, TimeUnit.SECONDS)).isEqualTo(SIZE + ":" + sentAB.get(5, TimeUnit.SECONDS));
        assertThat(gotA.get(60, TimeUnit.SECONDS)).isEqualTo(SIZE + ":" + sentBA.get(5, TimeUnit.SECONDS));
        AtomicLong transferEnd = new AtomicLong(System.nanoTime());
        await().atMost(Duration.ofSeconds(15)).until(() -> c[0].path().equals("direct") && c[1].path().equals("direct"));
        long moveMillis = (System.nanoTime() - t0) / 1_000_000;
        long transferMillis = (transferEnd.get() - start) / 1_000_000;
        System.out.printf("MOVE %s->%s initiatorFirst=%s: %d bytes before the first migrate, %d between the two, "
                        + "path changed %d ms after the first migrate; 2x10 MB done %d ms after 6 MB%n",
                from, to, initiatorFirst, before, between, moveMillis, transferMillis);
        assertThat(before).as("the move happens mid-transfer").isLessThan(2L * SIZE - 2_000_000);
        assertThat(first.a().isOpen()).isFalse();
        assertThat(first.b().isOpen()).isFalse();
        assertThat(movesA).containsExactly("relay->direct");
        assertThat(movesB).containsExactly("relay->direct");
        assertThat(c[0].sessions()).containsExactly(second.a());
        assertThat(c[0].isOpen()).isTrue();
        assertThat(c[0].current().transport()).isEqualTo(to);
    }

    @Test
    void manyStreamsIdleHalfClosedAndNewAcrossAMove() throws Exception {
        Pair first = pairs.pair("tls", SessionConfig.defaults());
        MigratingConnection[] c = connect(first, "relay");
        c[1].onStream(MigratingConnectionTest::echo);
        Random r = new Random(42);
        int n = 20;
        List<SecureStream> streams = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SecureStream s = c[0].openStream();
            byte[] p = new byte[1 + r.nextInt(300_000)];
            r.nextBytes(p);
            streams.add(s);
            payloads.add(p);
            echoes.add(readAll(s.input()));
            switch (i % 3) {
                case 0 -> { } // idle until after the move
                case 1 -> { // half-closed: everything sent and END before the move
                    s.output().write(p);
                    s.output().close();
                }
                default -> s.output().write(p, 0, p.length / 2); // half sent
            }
        }
        // the half-closed ones have been echoed back completely, or are on their way
        Pair second = pairs.pair("quic", SessionConfig.defaults());
        c[1].migrate(second.b(), "direct");
        c[0].migrate(second.a(), "direct");
        for (int i = 0; i < n; i++) {
            byte[] p = payloads.get(i);
            OutputStream o = streams.get(i).output();
            if (i % 3 == 0) {
                o.write(p);
                o.close();
            } else if (i % 3 == 2) {
                o.write(p, p.length / 2, p.length - p.length / 2);
                o.close();
            }
        }
        for (int i = 0; i < 5; i++) { // streams opened after the move, both ways
            byte[] p = new byte[1 + r.nextInt(100_000)];
            r.nextBytes(p);
            SecureStream s = c[0].openStream();
            payloads.add(p);
            echoes.add(readAll(s.input()));
            s.output().write(p);
            s.output().close();
        }
        for (int i = 0; i < payloads.size(); i++) {
            assertThat(echoes.get(i).get(60, TimeUnit.SECONDS)).as("echo of stream %d", i).isEqualTo(payloads.get(i));
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> c[0].path().equals("direct") && c[1].path().equals("direct"));
        assertThat(first.a().isOpen()).isFalse();
        assertThat(c[0].sessions()).hasSize(1);
        assertThat(c[1].sessions()).hasSize(1);
    }

    @Test
    void closeEndsStreamsAndTellsListenersOnce() throws Exception {
        Pair first = pairs.pair("tls", SessionConfig.defaults());
        MigratingConnection[] c = connect(first, "direct");
        List<Throwable> closedA = new CopyOnWriteArrayList<>();
        List<Throwable> closedB = new CopyOnWriteArrayList<>();
        c[0].onClose(e -> closedA.add(e == null ? new RuntimeException("null") : e));
        c[1].onClose(e -> closedB.add(e == null ? new RuntimeException("null") : e));
        SecureStream s = c[0].openStream();
        s.output().write("hello".getBytes());
        SecureStream t = c[1].acceptStream();
        CompletableFuture<byte[]> got = readAll(t.input());
        c[0].close();
        c[0].close();
        assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo("hello".getBytes());
        assertThat(closedA).hasSize(1).allMatch(e -> e.getMessage().equals("null"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !c[1].isOpen());
        assertThat(closedB).hasSize(1);
        assertThat(c[1].acceptStream()).isNull();
    }

    private static void echo(SecureStream s) {
        try (s) {
            s.input().transferTo(s.output());
        } catch (IOException e) {
            s.reset();
        }
    }

    static CompletableFuture<byte[]> readAll(InputStream in) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(in.readAllBytes());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }
}
