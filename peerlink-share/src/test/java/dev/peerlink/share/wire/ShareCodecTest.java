package dev.peerlink.share.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.ProtocolException;
import dev.peerlink.protocol.SignallingCodec;
import dev.peerlink.share.Location;
import dev.peerlink.share.LocationSource;
import dev.peerlink.share.NetworkId;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.scene.Scene;
import dev.peerlink.share.scene.SceneKind;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShareCodecTest {
    static final Location AT = new Location(GeoPoint.of(31.2304, 121.4737, 12.5), 8, LocationSource.GNSS, 1_800_000_000_000L);
    static final ShareOffer OFFER = new ShareOffer(EnumSet.of(ServiceType.SOCKS5, ServiceType.UDP), List.of("wifi-hotspot", "band/5ghz"),
            ShareOffer.Auth.PEER_KEY, new Limits(4, 20_000, 1_000_000_000L, List.of(80, 443)));
    static final LinkState STATE = new LinkState(true, 50_000, 10_000, 23.5, 0.2, true, 64, "5g");

    static List<ShareBody> samples() {
        String wifiA = NetworkId.wifi("aa:bb:cc:dd:ee:01"), wifiB = NetworkId.wifi("aa:bb:cc:dd:ee:02");
        Conditions need = new Conditions(Set.of(ServiceType.SOCKS5), 1000, 200, 150, 5, false, 30, List.of(443), List.of("wifi-hotspot"));
        return List.of(
                new ShareBody.Announce(AT, List.of("cell:460-00-4567-12345"), List.of("outdoor"), OFFER, STATE,
                        new AccessPolicy(AccessPolicy.Mode.LIST, Set.of("alice", "bob"))),
                new ShareBody.Announce(null, List.of(wifiA), List.of(), OFFER, LinkState.UNKNOWN, AccessPolicy.CONTACTS),
                new ShareBody.Withdraw(),
                new ShareBody.Find(AT, Map.of(), new Scene.Box(20, 3.2, 2.6, 37), List.of(), need, 3, 2000),
                new ShareBody.Find(null, Map.of(wifiA, -50, wifiB, -71), Scene.defaults(SceneKind.INDOOR), List.of(), Conditions.ANY, 5, 0),
                new ShareBody.Find(null, Map.of(), new Scene.SameNetwork(), List.of(wifiA), Conditions.ANY, 1, 0),
                new ShareBody.Found(List.of(new ShareBody.Match("prov-1", "key", 40, OFFER, STATE, 0.75)),
                        new ShareBody.FindStats(3, 2, 1, 1, 0, 1, 0), "gnss", 8),
                new ShareBody.AccessRequest("r1", "alice", need, SceneKind.SUBWAY_CAR, 10, 1_800_000_003_000L),
                new ShareBody.AccessAnswer("r1", true, OFFER, STATE, null),
                new ShareBody.AccessAnswer("r2", false, null, null, "policy"),
                new ShareBody.Survey(GeoPoint.of(1, 2, 3), Map.of(wifiA, -40, wifiB, -60), "lab"),
                new ShareBody.QosReport(List.of(new ShareBody.QosPoint(GeoPoint.of(1, 2), 1_800_000_000_000L, 40, 20, Double.NaN,
                        0.5, 0, 60_000, "4g"))),
                new ShareBody.QosQuery(List.of(new ShareBody.RoutePoint(GeoPoint.of(1, 2), 1), new ShareBody.RoutePoint(GeoPoint.of(1, 2.01), 2))),
                new ShareBody.QosResult(List.of(new ShareBody.CellQuality("8928308280fffff", 5, true, 3, 40, 20, Double.NaN, 1, 0,
                        0.8, "good", 7, false, null))));
    }

    @Test
    void everyBodyRoundTripsThroughTheSignallingCodec() throws Exception {
        SignallingCodec signalling = SignallingCodec.standard();
        for (ShareBody body : samples()) {
            Message.Share m = ShareCodec.encode("rid-1", body);
            Message back = signalling.decode(signalling.encode(m));
            assertThat(back).isInstanceOf(Message.Share.class);
            ShareBody decoded = ShareCodec.decode((Message.Share) back);
            // records with NaN compare equal field by field through Double.compare, so equals is exact here
            assertThat(decoded).as(body.kind()).isEqualTo(body);
        }
    }

    @Test
    void refusalsAreTypedAndNameTheField() {
        assertThat(code("share-find", "{\"scene\":{\"kind\":\"outdoor\",\"radius\":300}}")).isEqualTo(ShareProtocolException.Code.INVALID);
        assertThat(message("share-find", "{\"scene\":{\"kind\":\"subway\"}}")).contains("valid scenes");
        assertThat(message("share-find", "{\"location\":{\"lat\":91,\"lon\":0,\"accuracy\":5,\"source\":\"gnss\",\"time\":1},"
                + "\"scene\":{\"kind\":\"outdoor\",\"radius\":300}}")).contains("latitude");
        assertThat(code("share-find", "{\"location\":{\"lat\":\"x\"},\"scene\":{\"kind\":\"outdoor\",\"radius\":3}}"))
                .isEqualTo(ShareProtocolException.Code.MALFORMED);
        assertThat(message("share-find", "{\"location\":{\"lat\":1,\"lon\":1,\"accuracy\":0,\"source\":\"gnss\",\"time\":1},"
                + "\"scene\":{\"kind\":\"outdoor\",\"radius\":300}}")).contains("accuracy");
        assertThat(message("share-announce", "{\"networks\":[\"wifi:aa:bb:cc:dd:ee:ff\"],\"offer\":{\"services\":[\"socks5\"]}}"))
                .contains("raw BSSIDs never go on the wire");
        assertThat(message("share-announce", "{\"networks\":[\"cell:1\"],\"offer\":{\"services\":[\"telnet\"]}}"))
                .contains("unknown service type");
        assertThat(message("share-access-answer", "{\"request\":\"r\",\"accept\":true}")).contains("offer is required");
        StringBuilder big = new StringBuilder("{");
        for (int i = 0; i < 65; i++) {
            big.append(i == 0 ? "" : ",").append('"').append(NetworkId.wifi(String.format("aa:bb:cc:dd:ee:%02x", i))).append("\":-50");
        }
        assertThat(message("share-find", "{\"wifi\":" + big + "},\"scene\":{\"kind\":\"indoor\",\"radius\":30}}"))
                .contains("at most 64");
    }

    /** Random mutations of valid frames: the two codecs together refuse with typed errors and never throw anything else. */
    @Test
    void fuzzedFramesFailOnlyWithTypedErrors() {
        Random rnd = new Random(20261207);
        SignallingCodec signalling = SignallingCodec.standard();
        List<String> seeds = samples().stream().map(b -> signalling.encode(ShareCodec.encode("r", b))).toList();
        String alphabet = "{}[]\":,-.0123456789eE truefalsnul\\abcxyz";
        int typed = 0;
        for (int i = 0; i < 60_000; i++) {
            StringBuilder s = new StringBuilder(seeds.get(rnd.nextInt(seeds.size())));
            for (int k = 1 + rnd.nextInt(4); k > 0 && s.length() > 0; k--) {
                int at = rnd.nextInt(s.length());
                switch (rnd.nextInt(3)) {
                    case 0 -> s.setCharAt(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                    case 1 -> s.deleteCharAt(at);
                    default -> s.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                }
            }
            try {
                Message m = signalling.decode(s.toString().getBytes(StandardCharsets.UTF_8));
                if (m instanceof Message.Share share) {
                    ShareCodec.decode(share);
                }
            } catch (ProtocolException | ShareProtocolException e) {
                typed++;
            }
        }
        assertThat(typed).as("mutations refused").isGreaterThan(30_000);
    }

    private static ShareProtocolException.Code code(String kind, String body) {
        return refusal(kind, body).code();
    }

    private static String message(String kind, String body) {
        return refusal(kind, body).getMessage();
    }

    private static ShareProtocolException refusal(String kind, String body) {
        try {
            ShareCodec.decode(new Message.Share("r", kind, JsonBlob.parse(body)));
        } catch (ShareProtocolException e) {
            return e;
        } catch (ProtocolException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted: " + body);
    }

    @Test
    void aServerOnlyKindIsStillDecodedButUnknownKindsAreNot() {
        assertThatThrownBy(() -> new Message.Share("r", "share-teleport", JsonBlob.EMPTY)).isInstanceOf(IllegalArgumentException.class);
    }
}
