package dev.peerlink.peer.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.peer.internal.stream.SessionPairs.Pair;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.PeerRef;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.SessionConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The current session dies with no newer one; and a peer that breaks the framing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MigratingConnectionFailureTest {
    private static final SessionConfig SHORT = SessionConfig.defaults().withIdleTimeout(Duration.ofMillis(200), Duration.ofSeconds(1));
    private final SessionPairs pairs = new SessionPairs();

    @AfterEach
    void tearDown() {
        pairs.close();
    }

    private MigratingConnection conn(Pair p, boolean a) {
        return a ? new MigratingConnection(new PeerRef(DeviceId.of("b"), pairs.b.publicIdentity().toBase64()), "s", true,
                p.a(), "relay", Duration.ZERO)
                : new MigratingConnection(new PeerRef(DeviceId.of("a"), pairs.a.publicIdentity().toBase64()), "s", false,
                p.b(), "relay", Duration.ZERO);
    }

    /** Blocks writing (the peer never reads) and reading (the peer never writes) until it fails. */
    private static CompletableFuture<Void> blockedWrite(SecureStream s) {
        return CompletableFuture.runAsync(() -> {
            byte[] b = new byte[1 << 16];
            try {
                while (true) {
                    s.output().write(b);
                }
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
    }

    private static CompletableFuture<Integer> blockedRead(SecureStream s) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return s.input().read();
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
    }

    private static String failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
            return "no failure";
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(IOException.class);
            return e.getCause().getMessage();
        }
    }

    @Test
    void blackholedPathFailsBlockedReadsAndWritesWithTheReason() throws Exception {
        SessionPairs.Blackhole hole = new SessionPairs.Blackhole();
        Pair p = pairs.tls(SHORT, hole);
        MigratingConnection a = conn(p, true);
        MigratingConnection b = conn(p, false);
        List<Throwable> causes = new CopyOnWriteArrayList<>();
        a.onClose(causes::add);
        b.onClose(causes::add);
        SecureStream sa = a.openStream();
        SecureStream sb = b.acceptStream();
        CompletableFuture<Void> writeA = blockedWrite(sa);   // b never reads: a blocks on flow control
        CompletableFuture<Integer> readB = blockedRead(b.openStream());
        CompletableFuture<Integer> readA = blockedRead(a.acceptStream());
        await().atMost(Duration.ofSeconds(10)).until(() -> sb.input().available() > 0);
        long t0 = System.nanoTime();
        hole.blackhole();
        assertThat(failure(writeA)).contains("IDLE_TIMEOUT");
        assertThat(failure(readA)).contains("IDLE_TIMEOUT");
        assertThat(failure(readB)).contains("IDLE_TIMEOUT");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("BLACKHOLE: blocked reads and writes failed " + ms + " ms after the path died (idle timeout 1 s)");
        await().atMost(Duration.ofSeconds(5)).until(() -> causes.size() == 2);
        assertThat(causes).allMatch(c -> c != null && c.getMessage().contains("IDLE_TIMEOUT"));
        assertThat(a.isOpen()).isFalse();
        assertThat(b.acceptStream()).isNull();
        hole.close();
    }

    @Test
    void killedSocketFailsTheConnectionWithACause() throws Exception {
        Pair p = pairs.tls(SHORT, null);
        MigratingConnection a = conn(p, true);
        MigratingConnection b = conn(p, false);
        List<Throwable> causes = new CopyOnWriteArrayList<>();
        a.onClose(causes::add);
        SecureStream sa = a.openStream();
        b.acceptStream();
        CompletableFuture<Integer> readA = blockedRead(sa);
        CompletableFuture<Void> writeA = blockedWrite(sa);
        p.rawA().close();
        assertThat(failure(readA)).contains("ended");
        assertThat(failure(writeA)).contains("ended");
        await().atMost(Duration.ofSeconds(5)).until(() -> causes.size() == 1);
        assertThat(causes.get(0)).isNotNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> !b.isOpen());
        assertThat(causes.get(0).getMessage()).contains("ended");
    }

    @Test
    void brokenChunkResetsTheStreamAndBrokenHeaderClosesTheConnection() throws Exception {
        Pair p = pairs.tls(SHORT, null);
        MigratingConnection a = conn(p, true);
        // the peer is a raw session writing our framing by hand
        SecureStream phys = p.b().openStream();
        phys.output().write(SegmentCodec.encodeHeader(SegmentCodec.Kind.DATA, 2, 0));
        phys.output().write(new byte[] {0, 1, 0, 1}); // 65,537: too long
        SecureStream logical = a.acceptStream();
        assertThat(failure(CompletableFuture.supplyAsync(() -> {
            try {
                return logical.input().readAllBytes();
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, r -> Thread.ofVirtual().start(r)))).contains("TOO_LONG");
        assertThat(a.isOpen()).isTrue();

        SecureStream bad = p.b().openStream();
        bad.output().write(SegmentCodec.encodeHeader(SegmentCodec.Kind.DATA, 1, 1)); // our stream 1: never opened
        await().atMost(Duration.ofSeconds(5)).until(() -> !a.isOpen());
        List<Throwable> causes = new CopyOnWriteArrayList<>();
        a.onClose(causes::add);
        assertThat(causes).singleElement().satisfies(c -> assertThat(c.getMessage()).contains("UNKNOWN_STREAM"));
    }
}
