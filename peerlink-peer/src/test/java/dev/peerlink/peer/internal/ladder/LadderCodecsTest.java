package dev.peerlink.peer.internal.ladder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.peer.internal.PunchPacket;
import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.ProtocolException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ladder's two wire formats: UDP connectivity checks and the offer/answer object. */
class LadderCodecsTest {
    static final byte[] TAG = PunchPacket.tagOf("session-0001");

    @Test
    void checksRoundTripAndCarryTheSessionTag() throws Exception {
        for (PunchPacket.Kind k : PunchPacket.Kind.values()) {
            byte[] wire = PunchPacket.encode(k, TAG);
            assertThat(wire).hasSize(PunchPacket.LENGTH);
            PunchPacket p = PunchPacket.decode(wire, wire.length);
            assertThat(p.kind()).isEqualTo(k);
            assertThat(p.hasTag(TAG)).isTrue();
            assertThat(p.hasTag(PunchPacket.tagOf("session-0002"))).isFalse();
        }
    }

    @Test
    void malformedChecksAreTypedErrors() {
        byte[] good = PunchPacket.encode(PunchPacket.Kind.PROBE, TAG);
        byte[] badVersion = good.clone();
        badVersion[4] = 2;
        byte[] badKind = good.clone();
        badKind[5] = 9;
        assertThatThrownBy(() -> PunchPacket.decode(badVersion, badVersion.length))
                .isInstanceOf(PunchPacket.PunchPacketException.class).hasMessageContaining("version");
        assertThatThrownBy(() -> PunchPacket.decode(badKind, badKind.length))
                .isInstanceOf(PunchPacket.PunchPacketException.class).hasMessageContaining("kind");
        assertThatThrownBy(() -> PunchPacket.decode(good, 10))
                .isInstanceOf(PunchPacket.PunchPacketException.class).hasMessageContaining("10 bytes");
        assertThatThrownBy(() -> PunchPacket.decode(new byte[] {0, 1, 0, 0}, 4))
                .isInstanceOf(PunchPacket.PunchPacketException.class).hasMessageContaining("magic");
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButTheTypedError() {
        Random r = new Random(42);
        byte[] good = PunchPacket.encode(PunchPacket.Kind.ACK, TAG);
        int decoded = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] b = r.nextBoolean() ? good.clone() : new byte[r.nextInt(32)];
            if (b.length == good.length) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            } else {
                r.nextBytes(b);
            }
            try {
                PunchPacket.decode(b, b.length);
                decoded++;
            } catch (PunchPacket.PunchPacketException expected) {
                // typed
            }
        }
        assertThat(decoded).isPositive(); // mutations of the tag still decode (the tag is checked by the caller)
    }

    @Test
    void offerRoundTrips() throws Exception {
        LadderOffer o = new LadderOffer(List.of(new InetSocketAddress("10.0.1.2", 40111)),
                List.of(new InetSocketAddress("10.0.1.2", 51000), new InetSocketAddress("203.0.113.101", 51000),
                        new InetSocketAddress("2001:db8::1", 7)),
                InetAddress.getByName("203.0.113.101"), "port-restricted-cone", true);
        LadderOffer back = LadderOffer.from(o.toBlob());
        assertThat(back).isEqualTo(o);
        LadderOffer none = LadderOffer.from(new LadderOffer(List.of(), List.of(), null, null, false).toBlob());
        assertThat(none.publicIp()).isNull();
        assertThat(none.nat()).isNull();
        assertThat(none.mapped()).isEmpty();
        assertThat(none.toBlob().json()).doesNotContain("mapped");
    }

    @Test
    void mappedCandidatesRoundTripAndOldOffersStillDecode() throws Exception {
        LadderOffer o = new LadderOffer(List.of(new InetSocketAddress("10.0.1.2", 40111)), List.of(),
                InetAddress.getByName("203.0.113.105"), "symmetric", true,
                List.of(new InetSocketAddress("203.0.113.105", 7001)));
        assertThat(o.toBlob().json()).contains("\"mapped\":[\"203.0.113.105:7001\"]");
        assertThat(LadderOffer.from(o.toBlob())).isEqualTo(o);
        // an offer of a device that predates the mapped path
        LadderOffer old = LadderOffer.from(dev.peerlink.protocol.JsonBlob.parse(
                "{\"ladder\":1,\"tcp\":[\"10.0.1.2:40111\"],\"udp\":[],\"ip\":\"203.0.113.101\",\"relay\":true}"));
        assertThat(old.mapped()).isEmpty();
        assertThat(old.tcp()).hasSize(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LadderOffer.from(dev.peerlink.protocol.JsonBlob.parse(
                "{\"ladder\":1,\"mapped\":\"x\"}"))).isInstanceOf(dev.peerlink.protocol.ProtocolException.class);
    }

    @Test
    void malformedOffersAreProtocolErrors() {
        for (String bad : List.of("{}", "{\"ladder\":2}", "{\"ladder\":1,\"tcp\":\"x\"}", "{\"ladder\":1,\"udp\":[\"nohost\"]}",
                "{\"ladder\":1,\"ip\":\"not-an-ip\"}", "{\"ladder\":1,\"nat\":\"BAD LABEL\"}",
                "{\"ladder\":1,\"udp\":[\"1.2.3.4:70000\"]}",
                "{\"ladder\":1,\"tcp\":[" + "\"1.2.3.4:1\",".repeat(16) + "\"1.2.3.4:1\"]}")) {
            assertThatThrownBy(() -> LadderOffer.from(JsonBlob.parse(bad))).as(bad).isInstanceOf(ProtocolException.class);
        }
    }

    @Test
    void pathPlanning() throws Exception {
        InetAddress pub = InetAddress.getByName("203.0.113.5");
        LadderOffer sym = offer("10.0.1.2", pub, "symmetric");
        LadderOffer prc = offer("10.0.2.2", InetAddress.getByName("203.0.113.6"), "port-restricted-cone");
        LadderOffer rc = offer("10.0.3.2", InetAddress.getByName("203.0.113.7"), "restricted-cone");
        LadderOffer open = offer("203.0.113.20", InetAddress.getByName("203.0.113.20"), "open-internet");
        LadderOffer fw = offer("203.0.113.30", InetAddress.getByName("203.0.113.30"), "symmetric-udp-firewall");
        assertThat(PathPlan.punchImpossible(sym, prc)).isTrue();
        assertThat(PathPlan.punchImpossible(fw, sym)).isTrue();
        assertThat(PathPlan.punchImpossible(sym, rc)).isFalse();
        assertThat(PathPlan.punchImpossible(prc, rc)).isFalse();
        assertThat(PathPlan.reverseUseful(open, fw)).isTrue();
        assertThat(PathPlan.reverseUseful(fw, open)).as("a firewalled initiator cannot be dialled back").isFalse();
        assertThat(PathPlan.reverseUseful(prc, fw)).as("a NATed initiator on another site").isFalse();
        LadderOffer sameSite = offer("10.0.2.3", InetAddress.getByName("203.0.113.6"), "port-restricted-cone");
        assertThat(PathPlan.reverseUseful(prc, sameSite)).isTrue();
        assertThat(PathPlan.label(new InetSocketAddress("10.0.2.3", 1), "punch")).isEqualTo("lan");
        assertThat(PathPlan.label(new InetSocketAddress("100.64.0.9", 1), "punch")).isEqualTo("lan");
        assertThat(PathPlan.label(new InetSocketAddress("203.0.113.9", 1), "punch")).isEqualTo("punch");
        assertThat(PathPlan.rank("lan")).isLessThan(PathPlan.rank("direct"));
        assertThat(PathPlan.rank("punch")).isLessThan(PathPlan.rank("relay"));
    }

    @Test
    void udpBlockedPairsPlanTcpOnly() throws Exception {
        LadderOffer blocked = new LadderOffer(List.of(new InetSocketAddress("10.0.7.2", 4000)), List.of(), null,
                PathPlan.UDP_BLOCKED, true);
        LadderOffer cone = offer("10.0.1.2", InetAddress.getByName("203.0.113.101"), "full-cone");
        LadderOffer open = offer("203.0.113.20", InetAddress.getByName("203.0.113.20"), "open-internet");
        assertThat(PathPlan.tcpOnly(blocked, cone)).isTrue();
        assertThat(PathPlan.tcpOnly(cone, blocked)).isTrue();
        assertThat(PathPlan.tcpOnly(cone, open)).isFalse();
        assertThat(PathPlan.tcpPathPossible(blocked, open)).as("the open host's public TCP candidate").isTrue();
        assertThat(PathPlan.tcpPathPossible(blocked, cone)).as("only private TCP candidates: relay at once").isFalse();
        LadderOffer fw = offer("203.0.113.30", InetAddress.getByName("203.0.113.30"), "symmetric-udp-firewall");
        assertThat(PathPlan.tcpPathPossible(blocked, fw)).as("a host firewall drops the SYN").isFalse();
        LadderOffer mappedCone = new LadderOffer(cone.tcp(), cone.udp(), cone.publicIp(), cone.nat(), true,
                List.of(new InetSocketAddress("203.0.113.101", 7001)));
        assertThat(PathPlan.tcpPathPossible(blocked, mappedCone)).as("a gateway mapping").isTrue();
        assertThat(PathPlan.tcpPathPossible(open, blocked)).as("the open initiator can be dialled back").isTrue();
    }

    static LadderOffer offer(String host, InetAddress publicIp, String nat) {
        return new LadderOffer(List.of(new InetSocketAddress(host, 4000)), List.of(new InetSocketAddress(host, 5000)),
                publicIp, nat, true);
    }
}
