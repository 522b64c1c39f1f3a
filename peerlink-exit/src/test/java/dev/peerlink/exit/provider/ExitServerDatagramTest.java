package dev.peerlink.exit.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.peerlink.exit.egress.Cidr;
import dev.peerlink.exit.egress.EgressRules;
import dev.peerlink.exit.wire.ExitDatagram;
import dev.peerlink.exit.wire.ExitError;
import dev.peerlink.exit.wire.ExitProtocolException;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.share.wire.LinkState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Datagrams on the requester's connection: ping/pong, UDP through the exit, the provider's STATE reports. */
class ExitServerDatagramTest {
    static ExitBed bed;
    LocalServers local;
    final LinkedBlockingQueue<ExitDatagram> received = new LinkedBlockingQueue<>();
    static final EgressRules OPEN_LOOPBACK = EgressRules.standard().withOpened(List.of(Cidr.parse("127.0.0.1/32")));

    @BeforeAll
    static void bed() throws Exception {
        bed = ExitBed.start();
    }

    @AfterAll
    static void closeBed() throws Exception {
        bed.close();
    }

    @BeforeEach
    void servers() {
        local = new LocalServers();
    }

    @AfterEach
    void reset() throws Exception {
        bed.reset();
        local.close();
    }

    PeerConnection connect() throws Exception {
        PeerConnection c = bed.connect(bed.requester);
        c.onDatagram(bytes -> {
            try {
                received.add(ExitDatagram.decode(bytes));
            } catch (ExitProtocolException e) {
                throw new AssertionError("the exit sent a malformed datagram", e);
            }
        });
        return c;
    }

    <T extends ExitDatagram> T next(Class<T> type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            ExitDatagram d = received.poll(100, TimeUnit.MILLISECONDS);
            if (type.isInstance(d)) {
                return type.cast(d);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " within 5 s");
    }

    @Test
    void aPingIsAnsweredWithItsPong() throws Exception {
        bed.serve(ExitConfig.defaults(EgressRules.standard()));
        PeerConnection c = connect();
        long sent = System.nanoTime();
        ExitDatagram.Pong pong = null;
        // datagrams may be lost: ping again until the pong comes back
        for (int i = 0; i < 20 && pong == null; i++) {
            c.sendDatagram(ExitDatagram.encode(new ExitDatagram.Ping(42, sent)));
            ExitDatagram d = received.poll(250, TimeUnit.MILLISECONDS);
            pong = d instanceof ExitDatagram.Pong p ? p : null;
        }
        assertThat(pong).as("a pong").isNotNull();
        assertThat(pong.id()).isEqualTo(42);
        assertThat(pong.sentNanos()).isEqualTo(sent);
    }

    @Test
    void udpRoundTripsThroughTheExitAndCountsAsAFlow() throws Exception {
        int echo = local.udpEcho();
        ExitServer exit = bed.serve(ExitConfig.defaults(OPEN_LOOPBACK));
        PeerConnection c = connect();
        byte[] payload = "hello over the exit".getBytes(StandardCharsets.UTF_8);
        ExitDatagram.Udp back = null;
        // UDP may drop: resend until the echo comes back
        for (int i = 0; i < 20 && back == null; i++) {
            c.sendDatagram(ExitDatagram.encode(new ExitDatagram.Udp(7, "127.0.0.1", echo, payload)));
            ExitDatagram d = received.poll(250, TimeUnit.MILLISECONDS);
            back = d instanceof ExitDatagram.Udp u ? u : null;
        }
        assertThat(back).as("an echoed UDP datagram").isNotNull();
        assertThat(back.flow()).isEqualTo(7);
        assertThat(back.host()).isEqualTo("127.0.0.1");
        assertThat(back.port()).isEqualTo(echo);
        assertThat(back.payload()).isEqualTo(payload);
        assertThat(exit.stats().flowsOpened()).isEqualTo(1);
        assertThat(exit.stats().activeFlows()).isEqualTo(1);
        assertThat(exit.stats().bytesDown()).isPositive();
    }

    @Test
    void udpToARefusedDestinationIsDroppedAndCounted() throws Exception {
        int echo = local.udpEcho();
        ExitServer exit = bed.serve(ExitConfig.defaults(EgressRules.standard()));
        PeerConnection c = connect();
        // datagrams may be lost (a QUIC path, or sent before the provider's handler is in place): send again until
        // both refusals are counted
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            c.sendDatagram(ExitDatagram.encode(new ExitDatagram.Udp(1, "127.0.0.1", echo, new byte[]{1})));
            c.sendDatagram(ExitDatagram.encode(new ExitDatagram.Udp(2, "localhost", echo, new byte[]{1})));
            return exit.stats().refused(ExitError.FORBIDDEN_DESTINATION) >= 2;
        });
        assertThat(received).noneMatch(d -> d instanceof ExitDatagram.Udp);
        assertThat(exit.stats().flowsOpened()).isZero();
    }

    @Test
    void theProviderReportsItsStateAndLoad() throws Exception {
        int echo = local.tcpEcho();
        LinkState link = new LinkState(true, 48000, 12000, 28, Double.NaN, true, 71, "5g");
        bed.serve(ExitConfig.defaults(OPEN_LOOPBACK).withLinkState(() -> link));
        PeerConnection c = connect();
        try (ExitClient flow = ExitClient.open(c, "127.0.0.1", echo)) {
            assertThat(flow.reply().ok()).isTrue();
            JsonNode state = JsonMapper.builder().build().readTree(next(ExitDatagram.State.class).json());
            assertThat(state.path("v").asInt()).isEqualTo(1);
            assertThat(state.path("flows").asInt()).isEqualTo(1);
            assertThat(state.path("requesters").asInt()).isEqualTo(1);
            assertThat(state.path("yourFlows").asInt()).isEqualTo(1);
            assertThat(state.has("upBps") && state.has("downBps")).isTrue();
            assertThat(state.path("link").path("downKbps").asDouble()).isEqualTo(48000);
            assertThat(state.path("link").path("network").asText()).isEqualTo("5g");
            assertThat(state.path("link").has("lossPct")).as("unknown measures are left out").isFalse();
        }
    }
}
