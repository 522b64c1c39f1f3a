package dev.peerlink.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.server.share.internal.ProviderRegistry;
import dev.peerlink.share.Location;
import dev.peerlink.share.LocationSource;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.wire.AccessPolicy;
import dev.peerlink.share.wire.Limits;
import dev.peerlink.share.wire.LinkState;
import dev.peerlink.share.wire.ServiceType;
import dev.peerlink.share.wire.ShareBody;
import dev.peerlink.share.wire.ShareOffer;
import dev.peerlink.testkit.db.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two instances' provider registries over one Redis (announces in {@link RedisAnnounces}, places in
 * {@link RedisProviderIndex}) answer every find as one in-memory registry holding all the announces does.
 */
class SharedProviderRegistryTest {
    @RegisterExtension
    static final EmbeddedRedis REDIS = new EmbeddedRedis();
    static final ShareOffer SOCKS = new ShareOffer(EnumSet.of(ServiceType.SOCKS5), List.of(), ShareOffer.Auth.PEER_KEY, Limits.NONE);

    static ShareBody.Announce announce(GeoPoint at, List<String> networks) {
        return new ShareBody.Announce(at == null ? null : new Location(at, 5, LocationSource.GNSS, 1000), networks, List.of(),
                SOCKS, new LinkState(true, 20_000, 5_000, 30, 0.1, false, 80, "5g"), AccessPolicy.ANYONE);
    }

    @Test
    void twoInstancesAnswerFindsAlikeAndSeeEachOthersWithdrawalsAndExpiry() {
        RedisClient client = RedisClient.create(REDIS.uri());
        try (RedisAnnounces annA = new RedisAnnounces(client); RedisProviderIndex idxA = new RedisProviderIndex(client);
             RedisAnnounces annB = new RedisAnnounces(client); RedisProviderIndex idxB = new RedisProviderIndex(client)) {
            ProviderRegistry a = new ProviderRegistry(idxA, annA);
            ProviderRegistry b = new ProviderRegistry(idxB, annB);
            ProviderRegistry reference = new ProviderRegistry();
            Random rnd = new Random(3);
            for (int i = 0; i < 400; i++) {
                GeoPoint p = i % 10 == 0 ? null : ProviderIndexContractTest.randomIn(rnd, 10_000);
                ShareBody.Announce an = announce(p, List.of("cell:" + i % 7));
                long expires = i < 20 ? 5_000 : 100_000; // the first twenty expire early
                assertThat((i % 2 == 0 ? a : b).announce("dev-" + i, an, expires)).isTrue();
                reference.announce("dev-" + i, an, expires);
            }
            assertThat(a.size()).isEqualTo(400);
            for (int q = 0; q < 20; q++) {
                GeoPoint c = ProviderIndexContractTest.randomIn(rnd, 10_000);
                List<ProviderRegistry.Entry> fromA = a.near(c, 3_000, 25, 2_000);
                assertThat(fromA).isNotEmpty().isEqualTo(b.near(c, 3_000, 25, 2_000)).isEqualTo(reference.near(c, 3_000, 25, 2_000));
            }
            assertThat(a.onNetworks(Set.of("cell:3"), 1000, 2_000)).containsExactlyInAnyOrderElementsOf(
                    reference.onNetworks(Set.of("cell:3"), 1000, 2_000)).hasSameSizeAs(b.onNetworks(Set.of("cell:3"), 1000, 2_000));

            assertThat(b.withdraw("dev-40")).as("announced at A, withdrawn at B").isTrue();
            assertThat(a.get("dev-40")).isNull();
            assertThat(a.announce("dev-41", announce(GeoPoint.of(48.85, 2.35), List.of()), 100_000)).as("a refresh").isFalse();
            assertThat(b.get("dev-41").announce().location().point()).isEqualTo(GeoPoint.of(48.85, 2.35));

            assertThat(a.expire(10_000)).as("expired, wherever announced").isEqualTo(20);
            assertThat(b.expire(10_000)).isZero();
            assertThat(b.size()).isEqualTo(400 - 20 - 1);
            assertThat(b.entries(10_000)).hasSize(379);
        } finally {
            client.shutdown();
        }
    }
}
