package dev.peerlink.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.protocol.ProtocolException.Code;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SignallingCodecTest {
    static final SignallingCodec CODEC = SignallingCodec.standard();
    static final String KEY;
    static final String NONCE = Ed25519.b64(new byte[32]);

    static {
        try {
            KEY = Ed25519.encodePublicKey(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static NetworkInfo network() {
        return new NetworkInfo(List.of(new InetSocketAddress("192.168.1.20", 5000), new InetSocketAddress("fe80::1", 5000)),
                new InetSocketAddress("203.0.113.7", 40002),
                new NetworkInfo.Nat("port-restricted-cone", "endpoint-independent", "address-and-port-dependent", "sequential", 2, true),
                new NetworkInfo.Listen(5000, 5001),
                List.of(new NetworkInfo.PortMapping("udp", new InetSocketAddress("203.0.113.7", 6000),
                        new InetSocketAddress("192.168.1.20", 5001), 3600)));
    }

    static Stream<Message> everyMessage() throws Exception {
        PeerRef peer = new PeerRef(DeviceId.of("pc-1"), KEY);
        JsonBlob offer = new Offer(network(), new InetSocketAddress("192.168.1.20", 7001), List.of("lan", "direct", "reverse")).toBlob();
        return Stream.of(
                new Message.Challenge(NONCE, 1_700_000_000_000L, "srv-1"),
                new Message.Register("r1", DeviceId.of("phone.1"), KEY, "c2ln", new Aliases("42", "AA-BB-CC-DD-EE-FF", "alice"), "tok", network()),
                new Message.Register("r1", DeviceId.of("phone.1"), KEY, "c2ln", Aliases.NONE, null, NetworkInfo.EMPTY),
                new Message.Registered("r1", DeviceId.of("phone.1"), 25_000, List.of("198.51.100.1:3478"),
                        new RelayGrant(List.of("198.51.100.1:3479"), "1700000600:phone.1", "pw", 600), 1L),
                new Message.Registered("r1", DeviceId.of("phone.1"), 25_000, List.of("198.51.100.1:3478"),
                        new RelayGrant(List.of("198.51.100.1:3480"), "1700000600:phone.1", "pw", 600,
                                List.of("turns:198.51.100.1:443", "turn:198.51.100.1:3480?transport=tcp")), 1L),
                new Message.Registered(null, DeviceId.of("phone.1"), 25_000, List.of(), null, 1L),
                new Message.Update("u1", network()),
                new Message.Ok("u1"),
                new Message.Ping("p1"), new Message.Ping(null),
                new Message.Pong("p1", 5L),
                new Message.Connect("c1", Identity.mac("aabbccddeeff"), "sess-0123456789", offer),
                new Message.Connect("c1", Identity.username("bob"), "sess-0123456789", JsonBlob.EMPTY),
                new Message.Incoming("sess-0123456789", peer, offer),
                new Message.Answer("a1", "sess-0123456789", true, JsonBlob.parse("{\"x\":[1,2,{\"y\":null}]}"), null),
                new Message.Answer("a1", "sess-0123456789", false, JsonBlob.EMPTY, "busy"),
                new Message.Answered("c1", "sess-0123456789", peer, true, JsonBlob.parse("{\"n\":1}"), null),
                new Message.Signal("s1", "sess-0123456789", DeviceId.of("pc-1"), null, JsonBlob.parse("{\"punch\":{\"at\":5}}")),
                new Message.Signal(null, "sess-0123456789", null, DeviceId.of("phone.1"), JsonBlob.EMPTY),
                new Message.Pending("q1"),
                new Message.PendingList("q1", List.of(new Message.PendingItem("sess-0123456789", peer, offer, 99L))),
                new Message.PendingList("q1", List.of()),
                new Message.Update("u2", network().withMappings(List.of(new NetworkInfo.PortMapping("tcp",
                        new InetSocketAddress("203.0.113.7", 6001), new InetSocketAddress("192.168.1.20", 5002), 0, "upnp")))),
                new Message.Remap(null, new NetworkInfo.PortMapping("udp", new InetSocketAddress("203.0.113.7", 6000),
                        new InetSocketAddress("192.168.1.20", 5001), 3600, "pcp"), "probe-failed"),
                new Message.ProbeAck(null, Ed25519.b64(new byte[16])),
                new Message.ProbeAck("k1", Ed25519.b64(new byte[16])),
                new Message.Delivery(7, "sha256:" + "ab".repeat(32), 2_500_000, "alice", "photo.jpg", null),
                new Message.Delivery(9, "sha256:" + "cd".repeat(32), 10, "alice@home-nas", null, null),
                new Message.Delivery(8, "sha256:" + "0f".repeat(32), -1, "carol", null, "ws://central.example:7000/v1/transfer"),
                new Message.LadderReport("l1", "sess-0123456789", "connected", "punch", 412, null),
                new Message.LadderReport(null, "sess-0123456789", "connected", "relay", 0, null),
                new Message.LadderReport("l2", "sess-0123456789", "failed", null, 120_000, "no-path"),
                new Message.LadderReport("l3", "sess-0123456789", "failed", null, 12_003, null),
                new Message.Error("c1", ErrorCode.OFFLINE, "pc-1 is offline"),
                new Message.Error(null, ErrorCode.MALFORMED, ""));
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void roundTrips(Message m) throws Exception {
        String text = CODEC.encode(m);
        assertThat(text).contains("\"v\":1").contains("\"type\":\"" + m.type() + "\"");
        assertThat(CODEC.decode(text)).isEqualTo(m);
        assertThat(CODEC.decode(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(m);
        assertThat(CODEC.encode(CODEC.decode(text))).isEqualTo(text);
    }

    @Test
    void offerRoundTripsThroughItsBlobAndIgnoresUnknownFields() throws Exception {
        Offer o = new Offer(network(), new InetSocketAddress("10.0.0.2", 9), List.of("relay"));
        assertThat(Offer.from(o.toBlob())).isEqualTo(o);
        Offer future = Offer.from(JsonBlob.parse("{\"paths\":[\"lan\"],\"quic\":{\"alpn\":\"x\"},\"network\":{\"lan\":[],\"new\":1}}"));
        assertThat(future.paths()).containsExactly("lan");
        assertThat(future.reverseTcp()).isNull();
    }

    @Test
    void unknownFieldsAreIgnoredAndBlobsKeepThem() throws Exception {
        Message m = CODEC.decode("{\"v\":1,\"type\":\"connect\",\"rid\":\"c\",\"future\":[1,2],\"target\":{\"device\":\"pc\",\"x\":1},"
                + "\"session\":\"abcdefgh\",\"offer\":{\"quic\":true,\"network\":{\"lan\":[]}}}");
        assertThat(m).isInstanceOf(Message.Connect.class);
        Message.Connect c = (Message.Connect) m;
        assertThat(c.target()).isEqualTo(Identity.device("pc"));
        assertThat(c.offer().json()).contains("\"quic\":true");
    }

    @Test
    void macAliasesAreNormalisedOnTheWire() throws Exception {
        Message m = CODEC.decode("{\"v\":1,\"type\":\"connect\",\"rid\":\"c\",\"target\":{\"mac\":\"AABB.CCDD.EEFF\"},\"session\":\"abcdefgh\"}");
        assertThat(((Message.Connect) m).target()).isEqualTo(Identity.mac("aa:bb:cc:dd:ee:ff"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "null", "[]", "1", "\"x\"", "{", "{\"v\":1,", "{\"v\":1}{}", "{'v':1}",
            "{\"v\":1,\"type\":\"ping\",\"type\":\"ping\"}", "\u0000", "{\"v\":NaN}"})
    void malformed(String frame) {
        assertCode(frame, Code.MALFORMED);
    }

    @Test
    void invalidUtf8IsMalformed() {
        byte[] bad = {'{', '"', 'v', '"', ':', '1', ',', '"', 't', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        assertThatThrownBy(() -> CODEC.decode(bad)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.code()).isEqualTo(Code.MALFORMED));
    }

    @Test
    void versionIsCheckedBeforeTypeAndTheRidIsKept() {
        assertThatThrownBy(() -> CODEC.decode("{\"v\":2,\"type\":\"ping\",\"rid\":\"r9\"}")).isInstanceOfSatisfying(
                ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.UNSUPPORTED_VERSION);
                    assertThat(e.rid()).isEqualTo("r9");
                });
        assertCode("{\"type\":\"ping\"}", Code.UNSUPPORTED_VERSION);
        assertCode("{\"v\":\"1\",\"type\":\"ping\"}", Code.UNSUPPORTED_VERSION);
        assertCode("{\"v\":1.0,\"type\":\"ping\"}", Code.UNSUPPORTED_VERSION);
    }

    @Test
    void unknownTypeKeepsTheRid() {
        assertThatThrownBy(() -> CODEC.decode("{\"v\":1,\"type\":\"teleport\",\"rid\":\"r1\"}")).isInstanceOfSatisfying(
                ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.UNKNOWN_TYPE);
                    assertThat(e.rid()).isEqualTo("r1");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"v\":1}",
            "{\"v\":1,\"type\":5}",
            "{\"v\":1,\"type\":\"update\",\"rid\":\"u\"}",
            "{\"v\":1,\"type\":\"update\",\"network\":{}}",
            "{\"v\":1,\"type\":\"update\",\"rid\":\"u\",\"network\":{\"lan\":[\"example.com:80\"]}}",
            "{\"v\":1,\"type\":\"update\",\"rid\":\"u\",\"network\":{\"lan\":[\"1.2.3.4:70000\"]}}",
            "{\"v\":1,\"type\":\"update\",\"rid\":\"u\",\"network\":{\"lan\":\"1.2.3.4:7\"}}",
            "{\"v\":1,\"type\":\"update\",\"rid\":\"u\",\"network\":{\"listen\":{\"tcp\":\"80\"}}}",
            "{\"v\":1,\"type\":\"connect\",\"rid\":\"c\",\"target\":{},\"session\":\"abcdefgh\"}",
            "{\"v\":1,\"type\":\"connect\",\"rid\":\"c\",\"target\":{\"device\":\"a\",\"user\":\"b\"},\"session\":\"abcdefgh\"}",
            "{\"v\":1,\"type\":\"connect\",\"rid\":\"c\",\"target\":{\"device\":\"a b\"},\"session\":\"abcdefgh\"}",
            "{\"v\":1,\"type\":\"connect\",\"rid\":\"c\",\"target\":{\"mac\":\"aa:bb\"},\"session\":\"abcdefgh\"}",
            "{\"v\":1,\"type\":\"connect\",\"rid\":\"c\",\"target\":{\"device\":\"a\"},\"session\":\"short\"}",
            "{\"v\":1,\"type\":\"connect\",\"rid\":\"c\",\"target\":{\"device\":\"a\"},\"session\":\"abcdefgh\",\"offer\":[1]}",
            "{\"v\":1,\"type\":\"register\",\"rid\":\"r\",\"deviceId\":\"a\",\"publicKey\":\"abc\",\"signature\":\"x\"}",
            "{\"v\":1,\"type\":\"answer\",\"rid\":\"r\",\"session\":\"abcdefgh\",\"accept\":\"yes\"}",
            "{\"v\":1,\"type\":\"signal\",\"session\":\"abcdefgh\"}",
            "{\"v\":1,\"type\":\"ping\",\"rid\":\"has space\"}",
            "{\"v\":1,\"type\":\"pong\",\"serverTime\":1e3}",
            "{\"v\":1,\"type\":\"probe-ack\"}",
            "{\"v\":1,\"type\":\"probe-ack\",\"nonce\":\"AAAA\"}",
            "{\"v\":1,\"type\":\"probe-ack\",\"nonce\":\"AAAAAAAAAAAAAAAAAAAAA=\"}",
            "{\"v\":1,\"type\":\"remap\",\"reason\":\"probe-failed\"}",
            "{\"v\":1,\"type\":\"delivery\",\"delivery\":0,\"contentId\":\"sha256:00112233445566778899\",\"size\":1,\"from\":\"a\"}",
            "{\"v\":1,\"type\":\"delivery\",\"delivery\":1,\"contentId\":\"../etc/passwd\",\"size\":1,\"from\":\"a\"}",
            "{\"v\":1,\"type\":\"delivery\",\"delivery\":1,\"contentId\":\"sha256:00112233445566778899\",\"size\":-2,\"from\":\"a\"}",
            "{\"v\":1,\"type\":\"delivery\",\"delivery\":1,\"contentId\":\"sha256:00112233445566778899\",\"size\":1}",
            "{\"v\":1,\"type\":\"delivery\",\"delivery\":1,\"contentId\":\"sha256:00112233445566778899\",\"size\":1,\"from\":\"a@b@c\"}",
            "{\"v\":1,\"type\":\"delivery\",\"delivery\":1,\"contentId\":\"sha256:00112233445566778899\",\"size\":1,\"from\":\"a b\"}",
            "{\"v\":1,\"type\":\"delivery\",\"delivery\":1,\"contentId\":\"sha256:00112233445566778899\",\"size\":1,\"from\":\"a\",\"server\":\"http://evil\"}",
            "{\"v\":1,\"type\":\"delivery\",\"delivery\":\"1\",\"contentId\":\"sha256:00112233445566778899\",\"size\":1,\"from\":\"a\"}",
            "{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"l\",\"session\":\"abcdefgh\",\"outcome\":\"connected\",\"path\":\"lan\"}",
            "{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"l\",\"session\":\"abcdefgh\",\"outcome\":\"connected\",\"path\":\"lan\",\"setupMs\":-1}",
            "{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"l\",\"session\":\"abcdefgh\",\"outcome\":\"connected\",\"path\":\"lan\",\"setupMs\":120001}",
            "{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"l\",\"session\":\"abcdefgh\",\"outcome\":\"connected\",\"path\":\"lan\",\"setupMs\":1.5}",
            "{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"l\",\"session\":\"abcdefgh\",\"outcome\":\"connected\",\"path\":\"lan\",\"setupMs\":\"12\"}",
            "{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"l\",\"session\":\"abcdefgh\",\"outcome\":\"connected\",\"setupMs\":5}",
            "{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"l\",\"session\":\"abcdefgh\",\"outcome\":\"connected\",\"path\":\"LAN\",\"setupMs\":5}",
            "{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"l\",\"session\":\"abcdefgh\",\"outcome\":\"connected\",\"path\":\"a-path-name-that-is-too-long\",\"setupMs\":5}",
            "{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"l\",\"session\":\"abcdefgh\",\"outcome\":\"connected\",\"path\":\"lan; drop\",\"setupMs\":5}",
            "{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"l\",\"session\":\"abcdefgh\",\"outcome\":\"connected\",\"path\":7,\"setupMs\":5}",
            "{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"l\",\"session\":\"abcdefgh\",\"outcome\":\"connected\",\"path\":\"lan\",\"setupMs\":5,\"reason\":\"no-path\"}",
            "{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"l\",\"session\":\"abcdefgh\",\"outcome\":\"failed\",\"path\":\"relay\",\"setupMs\":5}",
            "{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"l\",\"session\":\"abcdefgh\",\"outcome\":\"failed\",\"setupMs\":5,\"reason\":\"No path!\"}",
            "{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"l\",\"session\":\"abcdefgh\",\"outcome\":\"maybe\",\"setupMs\":5}",
            "{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"l\",\"session\":\"abcdefgh\",\"setupMs\":5}",
            "{\"v\":1,\"type\":\"ladder-report\",\"session\":\"short\",\"outcome\":\"failed\",\"setupMs\":5}",
            "{\"v\":1,\"type\":\"ladder-report\",\"outcome\":\"failed\",\"setupMs\":5}",
            "{\"v\":1,\"type\":\"remap\",\"reason\":\"Probe failed\",\"mapping\":{\"protocol\":\"udp\",\"external\":\"1.2.3.4:5\",\"internal\":\"10.0.0.2:5\",\"leaseSeconds\":0}}",
            "{\"v\":1,\"type\":\"update\",\"rid\":\"u\",\"network\":{\"mappings\":[{\"protocol\":\"udp\",\"external\":\"1.2.3.4:5\",\"internal\":\"10.0.0.2:5\",\"leaseSeconds\":0,\"method\":\"socks\"}]}}",
            "{\"v\":1,\"type\":\"update\",\"rid\":\"u\",\"network\":{\"mappings\":[{\"protocol\":\"sctp\",\"external\":\"1.2.3.4:5\",\"internal\":\"10.0.0.2:5\",\"leaseSeconds\":0}]}}",
    })
    void invalid(String frame) {
        assertCode(frame, Code.INVALID);
    }

    @Test
    void mappingMonitorMessagesOnTheWire() throws Exception {
        String remap = "{\"v\":1,\"type\":\"remap\",\"mapping\":{\"protocol\":\"udp\",\"external\":\"203.0.113.7:7001\","
                + "\"internal\":\"192.168.1.20:7001\",\"leaseSeconds\":3600,\"method\":\"upnp\"},\"reason\":\"probe-failed\"}";
        Message.Remap r = (Message.Remap) CODEC.decode(remap);
        assertThat(r.mapping().method()).isEqualTo("upnp");
        assertThat(r.mapping().external()).isEqualTo(new InetSocketAddress("203.0.113.7", 7001));
        assertThat(CODEC.encode(r)).isEqualTo(remap);
        String ack = "{\"v\":1,\"type\":\"probe-ack\",\"nonce\":\"3q2-7wABAgMEBQYHCAkKCw\"}";
        assertThat(CODEC.encode(CODEC.decode(ack))).isEqualTo(ack);
        // a v1 mapping without "method" (older devices) still decodes
        Message.Update u = (Message.Update) CODEC.decode("{\"v\":1,\"type\":\"update\",\"rid\":\"u\",\"network\":{\"mappings\":"
                + "[{\"protocol\":\"tcp\",\"external\":\"1.2.3.4:5\",\"internal\":\"10.0.0.2:5\",\"leaseSeconds\":0}]}}");
        assertThat(u.network().mappings().getFirst().method()).isNull();
    }

    @Test
    void ladderReportOnTheWire() throws Exception {
        String connected = "{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"9\",\"session\":\"Zb3k9QmT0a1xY2wV\","
                + "\"outcome\":\"connected\",\"path\":\"direct\",\"setupMs\":412}";
        Message.LadderReport r = (Message.LadderReport) CODEC.decode(connected);
        assertThat(r.path()).isEqualTo("direct");
        assertThat(r.setupMs()).isEqualTo(412);
        assertThat(r.reason()).isNull();
        assertThat(CODEC.encode(r)).isEqualTo(connected);
        // a path name newer than this codec still decodes (the server counts it as "other"); unknown fields are ignored
        Message.LadderReport future = (Message.LadderReport) CODEC.decode("{\"v\":1,\"type\":\"ladder-report\",\"session\":"
                + "\"abcdefgh\",\"outcome\":\"connected\",\"path\":\"quic-v2\",\"setupMs\":0,\"role\":\"initiator\"}");
        assertThat(future.path()).isEqualTo("quic-v2");
        assertThat(future.rid()).isNull();
        // a rejected report keeps its rid, so the error answer can echo it
        assertThatThrownBy(() -> CODEC.decode("{\"v\":1,\"type\":\"ladder-report\",\"rid\":\"r7\",\"session\":\"abcdefgh\","
                + "\"outcome\":\"failed\",\"setupMs\":-5}")).isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.INVALID);
                    assertThat(e.rid()).isEqualTo("r7");
                    assertThat(e.getMessage()).contains("setupMs");
                });
    }

    @Test
    void limits() {
        String deep = "{\"v\":1,\"type\":\"ping\",\"x\":" + "[".repeat(40) + "]".repeat(40) + "}";
        assertCode(deep, Code.TOO_DEEP);
        String big = "{\"v\":1,\"type\":\"ping\",\"x\":\"" + "a".repeat(70_000) + "\"}";
        assertCode(big, Code.TOO_LARGE);
        assertCode("{\"v\":1,\"type\":\"pong\",\"serverTime\":" + "9".repeat(40) + "}", Code.TOO_LARGE);
        SignallingCodec small = new SignallingCodec(1024, 8);
        assertThatThrownBy(() -> small.decode("{\"v\":1,\"type\":\"ping\",\"x\":\"" + "a".repeat(1100) + "\"}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(Code.TOO_LARGE));
    }

    @Test
    void blobsCannotInjectFields() throws Exception {
        assertThatThrownBy(() -> JsonBlob.parse("{\"a\":1},\"type\":\"error\"")).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> JsonBlob.parse("[1]")).isInstanceOf(ProtocolException.class);
        assertThat(JsonBlob.parse(" { \"a\" : 1 } ").json()).isEqualTo("{\"a\":1}");
    }

    @Test
    void registrationSignature() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String pub = Ed25519.encodePublicKey(kp.getPublic());
        byte[] nonce = new byte[32];
        nonce[0] = 7;
        String sig = Ed25519.signRegistration(kp.getPrivate(), nonce, DeviceId.of("a"));
        assertThat(Ed25519.verifyRegistration(pub, sig, nonce, DeviceId.of("a"))).isTrue();
        assertThat(Ed25519.verifyRegistration(pub, sig, nonce, DeviceId.of("b"))).isFalse();
        assertThat(Ed25519.verifyRegistration(pub, sig, new byte[32], DeviceId.of("a"))).isFalse();
        assertThat(Ed25519.verifyRegistration(KEY, sig, nonce, DeviceId.of("a"))).isFalse();
        assertThat(Ed25519.verifyRegistration(pub, "!!", nonce, DeviceId.of("a"))).isFalse();
        assertThat(Ed25519.decodePublicKey(pub)).isEqualTo(kp.getPublic());
    }

    private static void assertCode(String frame, Code code) {
        assertThatThrownBy(() -> CODEC.decode(frame)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.code()).as(frame.length() > 200 ? frame.substring(0, 200) : frame).isEqualTo(code));
    }
}
