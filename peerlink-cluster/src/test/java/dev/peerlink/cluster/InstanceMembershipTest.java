package dev.peerlink.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.testkit.db.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class InstanceMembershipTest {
    @RegisterExtension
    static final EmbeddedRedis REDIS = new EmbeddedRedis();
    static final Duration BEAT = Duration.ofMillis(200);

    @Test
    void liveInstancesCarryTheirUrlsAndADeadOneDropsOutWithinItsTtl() throws Exception {
        RedisClient client = RedisClient.create(REDIS.uri());
        InstanceMembership a = new InstanceMembership(client, "a", "ws://10.0.0.1:7000/signal", BEAT);
        InstanceMembership b = new InstanceMembership(client, "b", "ws://10.0.0.2:7000/signal", BEAT);
        InstanceMembership c = new InstanceMembership(client, "c", "ws://10.0.0.3:7000/signal", BEAT);
        AtomicInteger rejoins = new AtomicInteger();
        a.onRejoin(rejoins::incrementAndGet);
        try {
            a.start();
            assertThat(a.live()).containsExactly(new InstanceMembership.Instance("a", "ws://10.0.0.1:7000/signal"));
            b.start();
            c.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> a.live().size() == 3);
            assertThat(a.live()).extracting(InstanceMembership.Instance::id).containsExactly("a", "b", "c");

            b.stopBeating(); // a crash: its key expires on its own
            long died = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).until(() -> a.live().size() == 2);
            long seenMs = (System.nanoTime() - died) / 1_000_000;
            System.out.printf("membership: a crashed instance left the view after %d ms (TTL %d ms, heartbeat %d ms)%n", seenMs,
                    3 * BEAT.toMillis(), BEAT.toMillis());
            assertThat(seenMs).as("gone within TTL + a heartbeat (+ scheduling slack)").isLessThanOrEqualTo(4 * BEAT.toMillis() + 500);
            assertThat(a.live()).extracting(InstanceMembership.Instance::id).containsExactly("a", "c");

            c.close(); // a clean stop deletes its key: gone at the next beat
            await().atMost(Duration.ofMillis(2 * BEAT.toMillis() + 500)).until(() -> a.live().size() == 1);

            assertThat(rejoins.get()).isZero();
            REDIS.stopServer();
            REDIS.restartServer();
            await().atMost(Duration.ofSeconds(10)).until(() -> rejoins.get() == 1);
            assertThat(a.live()).extracting(InstanceMembership.Instance::id).isEqualTo(List.of("a"));
        } finally {
            a.close();
            b.close();
            c.close();
            client.shutdown();
        }
    }
}
