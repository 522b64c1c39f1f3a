package dev.peerlink.peer.internal.birthday;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.peer.internal.PunchPacket;
import dev.peerlink.peer.internal.ladder.LadderOffer;
import dev.peerlink.peer.internal.ladder.PathPlan;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Birthday punching's codec, schedule and both sides on loopback (the "NAT" is the identity: external port = local port). */
class BirthdayTest {
    static final byte[] TAG = PunchPacket.tagOf("bday-session");
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    @Test
    void packetsRoundTrip() throws Exception {
        BirthdayPacket open = BirthdayPacket.decode(BirthdayPacket.open(TAG), BirthdayPacket.HEADER);
        assertThat(open.kind()).isEqualTo(BirthdayPacket.Kind.OPEN);
        assertThat(open.hasTag(TAG)).isTrue();
        byte[] probe = BirthdayPacket.probe(TAG, 40001);
        BirthdayPacket p = BirthdayPacket.decode(probe, probe.length);
        assertThat(p.kind()).isEqualTo(BirthdayPacket.Kind.PROBE);
        assertThat(p.port()).isEqualTo(40001);
        for (String ip : List.of("203.0.113.104", "2001:db8::1")) {
            byte[] r = BirthdayPacket.response(TAG, InetAddress.getByName(ip), 65535);
            BirthdayPacket d = BirthdayPacket.decode(r, r.length);
            assertThat(d.kind()).isEqualTo(BirthdayPacket.Kind.RESPONSE);
            assertThat(d.ip()).isEqualTo(InetAddress.getByName(ip));
            assertThat(d.port()).isEqualTo(65535);
            assertThat(d.hasTag(PunchPacket.tagOf("other"))).isFalse();
        }
        assertThat(probe[0]).isEqualTo((byte) 'P'); // neither STUN nor a QUIC long header
    }

    @Test
    void malformedPacketsAreTypedErrors() throws Exception {
        byte[] probe = BirthdayPacket.probe(TAG, 1234);
        byte[] v = probe.clone();
        v[4] = 7;
        byte[] k = probe.clone();
        k[5] = 9;
        byte[] zero = probe.clone();
        zero[14] = 0;
        zero[15] = 0;
        byte[] resp = BirthdayPacket.response(TAG, InetAddress.getByName("203.0.113.1"), 80);
        byte[] badLen = resp.clone();
        badLen[14] = 5;
        expect(new byte[] {1, 2, 3, 4, 5}, BirthdayPacket.Reason.NOT_BIRTHDAY);
        expect(java.util.Arrays.copyOf(probe, 10), BirthdayPacket.Reason.LENGTH);
        expect(java.util.Arrays.copyOf(probe, 15), BirthdayPacket.Reason.LENGTH);
        expect(v, BirthdayPacket.Reason.VERSION);
        expect(k, BirthdayPacket.Reason.KIND);
        expect(zero, BirthdayPacket.Reason.PORT);
        expect(badLen, BirthdayPacket.Reason.ADDRESS);
        expect(java.util.Arrays.copyOf(resp, resp.length + 1), BirthdayPacket.Reason.LENGTH);
    }

    private static void expect(byte[] b, BirthdayPacket.Reason reason) {
        assertThatThrownBy(() -> BirthdayPacket.decode(b, b.length))
                .isInstanceOfSatisfying(BirthdayPacket.BirthdayPacketException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void seededFuzzNeverEscapesAsAnythingButTheTypedError() {
        Random r = new Random(3);
        List<byte[]> goods = new ArrayList<>();
        goods.add(BirthdayPacket.open(TAG));
        goods.add(BirthdayPacket.probe(TAG, 4242));
        goods.add(BirthdayPacket.response(TAG, LO, 4242));
        int ok = 0;
        int typed = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] base = goods.get(r.nextInt(goods.size()));
            byte[] b = switch (r.nextInt(3)) {
                case 0 -> java.util.Arrays.copyOf(base, r.nextInt(40));
                case 1 -> {
                    byte[] c = base.clone();
                    c[4 + r.nextInt(c.length - 4)] = (byte) r.nextInt(256);
                    yield c;
                }
                default -> {
                    byte[] c = new byte[r.nextInt(40)];
                    r.nextBytes(c);
                    if (c.length >= 4 && r.nextBoolean()) {
                        System.arraycopy("PLBP".getBytes(), 0, c, 0, 4);
                    }
                    yield c;
                }
            };
            try {
                BirthdayPacket.decode(b, b.length);
                ok++;
            } catch (BirthdayPacket.BirthdayPacketException e) {
                typed++;
            }
        }
        assertThat(ok + typed).isEqualTo(200_000);
        assertThat(ok).isPositive();
        assertThat(typed).isPositive();
    }

    @Test
    void scheduleProbesPredictedPortsFirstThenDistinctRandomOnesAtTheRate() {
        BirthdayParams p = new BirthdayParams(4, 50, 1000, 1099, 100, 3);
        ProbeSchedule s = new ProbeSchedule(p, List.of(1010, 5, 1011, 1010), new Random(1), 0);
        assertThat(s.nextPort()).isEqualTo(1010);
        assertThat(s.nextPort()).isEqualTo(1011); // out-of-range and duplicate predictions dropped
        assertThat(s.dueNanos()).isEqualTo(20_000_000L); // 2 probes at 100/s
        java.util.Set<Integer> seen = new java.util.HashSet<>(List.of(1010, 1011));
        while (!s.exhausted()) {
            int port = s.nextPort();
            assertThat(port).isBetween(1000, 1099);
            assertThat(seen.add(port)).as("distinct").isTrue();
        }
        assertThat(s.sent()).isEqualTo(50);
        assertThat(p.theory()).isCloseTo(1 - Math.pow(0.96, 50), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(BirthdayParams.defaults().theory()).isBetween(0.98, 0.99);
    }

    static LadderOffer offer(String ip, String nat) throws Exception {
        InetAddress a = InetAddress.getByName(ip);
        return new LadderOffer(List.of(new InetSocketAddress(a, 1000)), List.of(new InetSocketAddress(a, 2000)), a, nat, true);
    }

    @Test
    void birthdayAppliesToSymmetricOppositeAnEndpointIndependentMappingOrNoNat() throws Exception {
        LadderOffer sym = offer("203.0.113.104", "symmetric");
        for (String easy : List.of("port-restricted-cone", "symmetric-udp-firewall")) {
            assertThat(PathPlan.birthdayUseful(sym, offer("203.0.113.30", easy))).as(easy).isTrue();
            assertThat(PathPlan.birthdayUseful(offer("203.0.113.30", easy), sym)).as(easy).isTrue();
        }
        // plain punching works for these (no birthday needed); symmetric <-> symmetric is two-sided prediction's
        for (String other : List.of("full-cone", "restricted-cone", "open-internet", "symmetric")) {
            assertThat(PathPlan.birthdayUseful(sym, offer("203.0.113.30", other))).as(other).isFalse();
        }
        assertThat(PathPlan.birthdayUseful(sym, offer("203.0.113.104", "port-restricted-cone"))).as("same site").isFalse();
        assertThat(PathPlan.birthdayUseful(sym, new LadderOffer(List.of(), List.of(), null, "port-restricted-cone", true)))
                .as("no public IP").isFalse();
        assertThat(PathPlan.predictUseful(sym, offer("203.0.113.105", "symmetric"))).isTrue();
        assertThat(PathPlan.predictUseful(sym, offer("203.0.113.30", "port-restricted-cone"))).isFalse();
        assertThat(PathPlan.predictUseful(sym, offer("203.0.113.104", "symmetric"))).as("same site").isFalse();
        assertThat(PathPlan.rank("punch")).isLessThan(PathPlan.rank("birthday"));
        assertThat(PathPlan.rank("birthday")).isLessThan(PathPlan.rank("relay"));
    }

    @Test
    void predictedPortsFollowTheDelta() {
        BirthdayParams p = BirthdayParams.defaults().withRange(40000, 40010);
        assertThat(BirthdayHardSide.predictedPorts(40000, 2, 10, p)).containsExactly(40002, 40004, 40006, 40008, 40010);
        assertThat(BirthdayHardSide.predictedPorts(40000, 0, 10, p)).isEmpty();
    }

    /**
     * On loopback the external port is the local port, so predicting the hard side's real ports is a deterministic
     * hit: the easy side's first predicted probe reaches one socket, the RESPONSE names it, the rest close.
     */
    @Test
    void aPredictedProbeHitsAndBothSidesHandOverOneSocketEach() throws Exception {
        warmUp();
        int before = BirthdaySockets.open();
        long fdsBefore = fds();
        BirthdayParams p = BirthdayParams.defaults().withSockets(32).withProbes(64).withRate(2000);
        try (BirthdayEasySide easy = BirthdayEasySide.open("s1")) {
            InetSocketAddress easyAddr = new InetSocketAddress(LO, easy.localPort());
            try (BirthdayHardSide hard = BirthdayHardSide.open(p, "s1", easyAddr, LO)) {
                assertThat(hard.openSockets()).isEqualTo(32);
                hard.start(Duration.ofSeconds(5));
                // a "prediction" naming a closed port first, then the hard side's 17th socket
                int target = localPortOfSomeHardSocket(hard);
                easy.startProbing(LO, List.of(9, target), p, new Random(7), false);
                BirthdayEasySide.Contact c = easy.contact().get(5, TimeUnit.SECONDS);
                BirthdayHardSide.Hit h = hard.hit().get(5, TimeUnit.SECONDS);
                assertThat(c.port()).isEqualTo(target);
                assertThat(c.hard().getPort()).isEqualTo(target);
                assertThat(h.externalPort()).isEqualTo(target);
                assertThat(h.easy()).isEqualTo(easyAddr);
                DatagramChannel hc = hard.handOff();
                DatagramChannel ec = easy.handOff();
                // the hand-off sockets carry traffic both ways (what QUIC does next)
                ec.send(ByteBuffer.wrap(new byte[] {(byte) 0xc0, 1}), c.hard());
                hc.configureBlocking(true);
                ByteBuffer b = ByteBuffer.allocate(64);
                InetSocketAddress from;
                do {
                    b.clear();
                    from = (InetSocketAddress) hc.receive(b);
                    b.flip();
                } while (b.get(0) == 'P'); // stray probes sent before the RESPONSE arrived
                assertThat(from).isEqualTo(easyAddr);
                waitUntil(() -> hard.openSockets() == 0);
                hc.close();
                ec.close();
            }
        }
        assertThat(BirthdaySockets.open()).isEqualTo(before);
        waitUntil(() -> fds() <= fdsBefore);
    }

    @Test
    void anExhaustedBudgetFailsTypedAndReleasesEverySocket() throws Exception {
        warmUp();
        int before = BirthdaySockets.open();
        long fdsBefore = fds();
        BirthdayParams p = BirthdayParams.defaults().withSockets(16).withProbes(8).withRange(9, 16).withRate(1000);
        BirthdayEasySide easy = BirthdayEasySide.open("s2");
        BirthdayHardSide hard = BirthdayHardSide.open(p, "s2", new InetSocketAddress(LO, easy.localPort()), LO);
        hard.start(Duration.ofMillis(1500));
        easy.startProbing(LO, List.of(), p, new Random(1), false);
        assertThatThrownBy(() -> easy.contact().get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(BirthdayEasySide.BudgetExhaustedException.class);
        assertThat(easy.probesSent()).isEqualTo(8);
        assertThatThrownBy(() -> hard.hit().get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        waitUntil(() -> BirthdaySockets.open() == before); // both closed themselves
        assertThat(easy.isOpen()).isFalse();
        assertThat(hard.openSockets()).isZero();
        easy.close();
        hard.close();
        assertThat(BirthdaySockets.open()).isEqualTo(before);
        waitUntil(() -> fds() <= fdsBefore);
    }

    @Test
    void probesFromAnotherAddressOrSessionAreIgnored() throws Exception {
        BirthdayParams p = BirthdayParams.defaults().withSockets(4).withRate(1000);
        try (DatagramChannel stranger = DatagramChannel.open()) {
            stranger.bind(new InetSocketAddress(LO, 0));
            // the hard side expects its peer at 127.0.0.2: a probe from 127.0.0.1 is not the brokered peer
            try (BirthdayHardSide hard = BirthdayHardSide.open(p, "s3",
                    new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 9), LO)) {
                hard.start(Duration.ofSeconds(2));
                int port = localPortOfSomeHardSocket(hard);
                stranger.send(ByteBuffer.wrap(BirthdayPacket.probe(TAG, port)), new InetSocketAddress(LO, port));
                await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !hard.hit().isDone());
                assertThat(hard.hit()).isNotDone();
            }
        }
    }

    private static int localPortOfSomeHardSocket(BirthdayHardSide hard) throws Exception {
        var f = BirthdayHardSide.class.getDeclaredField("sockets");
        f.setAccessible(true);
        @SuppressWarnings("unchecked")
        List<DatagramChannel> socks = (List<DatagramChannel>) f.get(hard);
        return socks.get(socks.size() / 2).socket().getLocalPort();
    }

    /** Lets the JDK open what it opens once (selector provider, jars, loggers) before file descriptors are counted. */
    static void warmUp() throws Exception {
        BirthdayParams p = BirthdayParams.defaults().withSockets(2).withProbes(1).withRange(9, 9).withRate(1000);
        try (BirthdayEasySide e = BirthdayEasySide.open("warm"); BirthdayHardSide h = BirthdayHardSide.open(p, "warm",
                new InetSocketAddress(LO, e.localPort()), LO)) {
            h.start(Duration.ofMillis(10));
            e.startProbing(LO, List.of(), p, new Random(0), false);
            e.contact().exceptionally(x -> null).get(5, TimeUnit.SECONDS);
        }
    }

    static long fds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            return 0;
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier c) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(c::getAsBoolean);
    }
}
