package dev.peerlink.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.ErrorCode;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.SignallingCodec;
import dev.peerlink.server.signal.LadderReports;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ladder reports (issue 17): the initiator tells the server how its ladder ended, and the server counts each brokered
 * session once, on the path the device reported; forged, repeated and malformed reports are refused and not counted.
 */
class LadderReportTest {
    static final SignallingCodec CODEC = SignallingCodec.standard();
    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    SignalServer server() throws Exception {
        SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).build(),
                List.of(), id -> Optional.empty());
        toClose.add(s);
        return s;
    }

    Peer peer(SignalServer s, String id, LadderConfig ladder) throws Exception {
        Peer p = Peer.builder().identity(DeviceIdentity.ephemeral(DeviceId.of(id))).server(s.url()).discovery(false)
                .ladder(ladder).backoff(Duration.ofMillis(50), Duration.ofMillis(500)).build();
        toClose.add(p);
        p.start().get(5, TimeUnit.SECONDS);
        return p;
    }

    SignallingClient client(SignalServer s, String id) throws Exception {
        SignallingClient c = SignallingClient.builder().server(URI.create(s.url())).identity(DeviceIdentity.ephemeral(DeviceId.of(id)))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(400)).requestTimeout(Duration.ofSeconds(5)).build();
        toClose.add(c);
        c.start().get(5, TimeUnit.SECONDS);
        return c;
    }

    static String refusal(CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return ((SignallingException) e.getCause()).code();
        }
        throw new AssertionError("the report was accepted");
    }

    static long total(Map<String, Long> byPath) {
        return byPath.values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void aConnectionIsCountedOnceOnThePathTheInitiatorReported() throws Exception {
        SignalServer s = server();
        LadderReports reports = s.ladderReports();
        Peer a = peer(s, "a", LadderConfig.defaults().withLoopback(true));
        Peer b = peer(s, "b", LadderConfig.defaults().withLoopback(true));
        b.onConnection(c -> {});
        PeerConnection c = a.connect(Identity.device("b")).get(15, TimeUnit.SECONDS);
        toClose.add(c);

        await().atMost(Duration.ofSeconds(10)).until(() -> total(reports.connectionsByPath()) == 1);
        assertThat(c.path()).isIn("lan", "direct");
        assertThat(reports.connectionsByPath()).containsEntry(c.path(), 1L);
        LadderReports.SetupHistogram h = reports.setupHistogram();
        assertThat(h.count()).isEqualTo(1);
        assertThat(h.sumSeconds()).isPositive().isEqualTo(c.setupTime().toMillis() / 1000.0);
        assertThat(reports.failures()).isZero();
        assertThat(reports.rejected()).isZero();

        // the responder does not report (only the initiator measured the whole setup), and a repeat is refused
        assertThat(refusal(b.signalling().ladderReport(c.session(), "connected", c.path(), 5, null))).isEqualTo(ErrorCode.BAD_REPORT);
        assertThat(refusal(a.signalling().ladderReport(c.session(), "connected", "relay", 5, null))).isEqualTo(ErrorCode.BAD_REPORT);
        assertThat(total(reports.connectionsByPath())).isEqualTo(1);
        assertThat(reports.setupHistogram().count()).isEqualTo(1);
        assertThat(reports.rejected()).isEqualTo(2);
        // the connection itself is untouched by all this
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void aLadderThatGivesUpIsCountedAsAFailureWithItsReason() throws Exception {
        SignalServer s = server();
        // relay only, and neither side has a relay: nothing can work, and the ladder gives up after 800 ms
        LadderConfig none = LadderConfig.defaults().withLoopback(true).withPaths(Set.of("relay"))
                .withReverseAfter(Duration.ofMillis(200)).withRelayAfter(Duration.ofMillis(200)).withTimeout(Duration.ofMillis(800));
        Peer a = peer(s, "a", none);
        Peer b = peer(s, "b", none);
        b.onConnection(c -> {});
        assertThatThrownBy(() -> a.connect(Identity.device("b")).get(15, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ConnectException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> s.ladderReports().failures() == 1);
        assertThat(s.ladderReports().failuresByReason()).containsExactly(Map.entry("no-path", 1L));
        assertThat(total(s.ladderReports().connectionsByPath())).isZero();
        assertThat(s.ladderReports().setupHistogram().count()).isZero();
    }

    @Test
    void aRefusedOrUnreachableTargetIsNoLadderAndIsNotReported() throws Exception {
        SignalServer s = server();
        Peer a = peer(s, "a", LadderConfig.defaults().withLoopback(true));
        Peer b = peer(s, "b", LadderConfig.defaults().withLoopback(true));
        b.onConnection(c -> {});
        b.acceptFrom(p -> false);
        assertThatThrownBy(() -> a.connect(Identity.device("b")).get(15, TimeUnit.SECONDS)).hasMessageContaining("refused");
        assertThatThrownBy(() -> a.connect(Identity.device("nobody")).get(15, TimeUnit.SECONDS)).hasMessageContaining("nobody");
        // a report would have been refused (the sessions do not exist): nothing was sent, nothing counted
        assertThat(s.ladderReports().rejected()).isZero();
        assertThat(s.ladderReports().failures()).isZero();
    }

    @Test
    void forgedReportsAreRefusedAndNotCounted() throws Exception {
        SignalServer s = server();
        LadderReports reports = s.ladderReports();
        SignallingClient x = client(s, "x");
        SignallingClient y = client(s, "y");
        SignallingClient z = client(s, "z");
        SignallingClient mallory = client(s, "mallory");
        y.onIncoming(r -> r.accept(JsonBlob.EMPTY));
        String session = SignallingClient.newSessionId();
        assertThat(x.connect(Identity.device("y"), session, JsonBlob.EMPTY, Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS)
                .accepted()).isTrue();

        // a device outside the session, and a session the server never brokered
        assertThat(refusal(mallory.ladderReport(session, "connected", "direct", 100, null))).isEqualTo(ErrorCode.NO_SESSION);
        assertThat(refusal(x.ladderReport(SignallingClient.newSessionId(), "connected", "direct", 100, null)))
                .isEqualTo(ErrorCode.NO_SESSION);
        // the target of the session
        assertThat(refusal(y.ladderReport(session, "failed", null, 100, "no-path"))).isEqualTo(ErrorCode.BAD_REPORT);
        // a session not answered yet (z holds the request)
        z.onIncoming(r -> {});
        String unanswered = SignallingClient.newSessionId();
        x.connect(Identity.device("z"), unanswered, JsonBlob.EMPTY, Duration.ofSeconds(30));
        assertThat(refusal(x.ladderReport(unanswered, "connected", "lan", 100, null))).isEqualTo(ErrorCode.BAD_REPORT);
        // values the protocol does not allow never leave the SDK
        assertThatThrownBy(() -> x.ladderReport(session, "connected", "lan", -1, null).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalArgumentException.class);
        assertThat(reports.rejected()).isEqualTo(4);
        assertThat(total(reports.connectionsByPath())).isZero();
        assertThat(reports.failures()).isZero();

        // the initiator's report counts once; a well-formed path the server does not know is counted as "other"
        x.ladderReport(session, "connected", "quantum", 300, null).get(5, TimeUnit.SECONDS);
        assertThat(reports.connectionsByPath()).containsEntry("other", 1L);
        assertThat(refusal(x.ladderReport(session, "connected", "quantum", 300, null))).isEqualTo(ErrorCode.BAD_REPORT);
        assertThat(total(reports.connectionsByPath())).isEqualTo(1);
        assertThat(reports.setupHistogram().sumSeconds()).isEqualTo(0.3);
    }

    @Test
    void malformedReportsOnTheWireAreInvalidAndNotCounted() throws Exception {
        SignalServer s = server();
        SignallingClient y = client(s, "y");
        y.onIncoming(r -> r.accept(JsonBlob.EMPTY));
        DeviceIdentity rawId = DeviceIdentity.ephemeral(DeviceId.of("raw"));
        try (RawSocket raw = new RawSocket(URI.create(s.url()))) {
            SignallingTest.registerRaw(raw, rawId);
            String session = SignallingClient.newSessionId();
            raw.send("{\"v\":1,\"type\":\"connect\",\"rid\":\"c1\",\"target\":{\"device\":\"y\"},\"session\":\"" + session + "\"}");
            assertThat(CODEC.decode(raw.next())).isInstanceOfSatisfying(Message.Answered.class, a -> assertThat(a.accept()).isTrue());
            String head = "{\"v\":1,\"type\":\"ladder-report\",\"session\":\"" + session + "\",";
            List<String> bad = List.of(
                    head + "\"rid\":\"n1\",\"outcome\":\"connected\",\"path\":\"lan\",\"setupMs\":-5}",
                    head + "\"rid\":\"n2\",\"outcome\":\"connected\",\"path\":\"lan\",\"setupMs\":120001}",
                    head + "\"rid\":\"n3\",\"outcome\":\"connected\",\"path\":\"LAN; DROP\",\"setupMs\":5}",
                    head + "\"rid\":\"n4\",\"outcome\":\"connected\",\"path\":\"" + "x".repeat(200) + "\",\"setupMs\":5}",
                    head + "\"rid\":\"n5\",\"outcome\":\"won\",\"path\":\"lan\",\"setupMs\":5}");
            for (int i = 0; i < bad.size(); i++) {
                raw.send(bad.get(i));
                Message.Error e = (Message.Error) CODEC.decode(raw.next());
                assertThat(e.code()).as(bad.get(i)).isEqualTo(ErrorCode.INVALID);
                assertThat(e.rid()).isEqualTo("n" + (i + 1));
            }
            assertThat(total(s.ladderReports().connectionsByPath())).isZero();
            // after all that, a good report from the same initiator still counts (once)
            raw.send(head + "\"rid\":\"ok1\",\"outcome\":\"connected\",\"path\":\"punch\",\"setupMs\":640}");
            assertThat(CODEC.decode(raw.next())).isEqualTo(new Message.Ok("ok1"));
            assertThat(s.ladderReports().connectionsByPath()).containsEntry("punch", 1L);
        }
    }
}
