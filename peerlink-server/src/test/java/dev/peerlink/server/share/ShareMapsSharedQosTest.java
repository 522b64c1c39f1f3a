package dev.peerlink.server.share;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Message;
import dev.peerlink.server.share.internal.ShareMaps;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.qos.InMemoryQosStore;
import dev.peerlink.share.qos.QosPrediction;
import dev.peerlink.share.wire.ShareBody;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster seam: two servers' ShareMaps given one QoS store answer from it, counting devices across both. */
class ShareMapsSharedQosTest {
    private static final GeoPoint PLACE = GeoPoint.of(52.52, 13.405);

    @Test
    void twoServersGivenOneStoreDiscloseACellOnlyOnceKDevicesReportedAcrossBoth(@TempDir Path dirA, @TempDir Path dirB)
            throws Exception {
        InMemoryQosStore shared = new InMemoryQosStore();
        ShareConfig config = ShareConfig.defaults().withKAnonymity(5).withSharedQos(shared);
        long now = System.currentTimeMillis();
        // separate data dirs, so separate salt files: the store's shared salt must make "d1" the same device on both
        try (ShareMaps a = ShareMaps.open(dirA, config); ShareMaps b = ShareMaps.open(dirB, config)) {
            for (String d : List.of("d1", "d2", "d3")) {
                report(a, d, now);
            }
            report(b, "d1", now);
            a.qos().flush();
            b.qos().flush();
            assertFalse(predict(a, now).isPresent(), "three distinct devices stay hidden");
            assertTrue(shared.count() > 0, "the maps wrote to the given store");
            report(b, "d4", now);
            report(b, "d5", now);
            b.qos().flush();
            Optional<QosPrediction> fromB = predict(b, now);
            assertTrue(fromB.isPresent(), "five distinct devices across both servers are disclosed");
            assertEquals(5, fromB.get().devices());
        }
    }

    private static void report(ShareMaps maps, String device, long now) {
        Message m = maps.report(new DeviceId(device), "r", new ShareBody.QosReport(List.of(
                new ShareBody.QosPoint(PLACE, now - 60_000, 30, 50, 10, 0, 0, 60_000, "4g"))), now);
        assertTrue(m instanceof Message.Ok, () -> "report refused: " + m);
    }

    private static Optional<QosPrediction> predict(ShareMaps maps, long now) {
        return maps.qos().predict(PLACE, Instant.ofEpochMilli(now - 60_000));
    }
}
