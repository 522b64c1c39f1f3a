package dev.peerlink.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.testkit.db.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three mapping monitors over one real Redis, each with its membership and {@link ClusterMappingScope}; a fake prober
 * records who probed what and answers through the instance the device is "connected" to (so acks cross instances).
 */
class PartitionedProbingTest {
    @RegisterExtension
    static final EmbeddedRedis REDIS = new EmbeddedRedis();

    static final long INTERVAL = 2000;
    static final Duration HEARTBEAT = Duration.ofMillis(200);
    /** Scheduling slack on a loaded machine (ticks are INTERVAL / 50 = 40 ms). */
    static final long SLACK = 500;
    static final int DEVICES = 30;

    ProbingCluster cluster;

    /** Devices are connected to instances 0 and 1 only, so killing 2 takes probing work away, not devices. */
    static int connectedTo(int device) {
        return device % 2;
    }

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void eachMappingIsProbedOncePerIntervalAcrossInstancesThroughADeathAndARedisRestart() throws Exception {
        cluster = new ProbingCluster(REDIS.uri(), INTERVAL, HEARTBEAT, PartitionedProbingTest::connectedTo);
        for (int i = 0; i < 3; i++) {
            cluster.start(i);
        }
        List<ProbingCluster.Node> nodes = cluster.nodes;
        ConcurrentLinkedQueue<ProbingCluster.Probe> probes = cluster.probes;
        await().atMost(Duration.ofSeconds(5)).until(() -> nodes.stream().allMatch(n -> n.membership.live().size() == 3));
        for (int d = 0; d < DEVICES; d++) {
            cluster.report(d);
        }

        // steady state: every mapping probed three times, the work spread over all three instances
        await().atMost(Duration.ofSeconds(30)).until(() -> everyDeviceProbedSince(0, 3, -1));
        assertThat(probes.stream().map(ProbingCluster.Probe::instance).distinct()).as("instances probing").hasSize(3);
        assertOncePerInterval(0);
        assertThat(cluster.remaps).as("rounds failed (acks lost between instances)").isEmpty();

        // an instance dies: the survivors take its share within one interval of its last probes
        Map<Integer, Long> lastByDying = new HashMap<>();
        probes.stream().filter(p -> p.instance() == 2).forEach(p -> lastByDying.merge(p.device(), p.at(), Math::max));
        assertThat(lastByDying).isNotEmpty();
        nodes.get(2).kill();
        long killedAt = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(30)).until(() -> everyDeviceProbedSince(killedAt, 2, 2));
        for (Map.Entry<Integer, Long> e : lastByDying.entrySet()) {
            long next = probes.stream().filter(p -> p.device() == e.getKey() && p.at() > e.getValue())
                    .mapToLong(ProbingCluster.Probe::at).min().orElseThrow();
            assertThat(next - killedAt).as("device %d probed by a survivor within one interval of the death", e.getKey())
                    .isLessThanOrEqualTo(INTERVAL + SLACK);
        }
        assertOncePerInterval(0);

        // Redis restarts empty: the survivors re-publish and keep probing, still once per interval
        REDIS.stopServer();
        REDIS.restartServer();
        long restartedAt = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(30)).until(() -> everyDeviceProbedSince(restartedAt, 3, 2));
        assertOncePerInterval(0);
        RedisClient check = RedisClient.create(REDIS.uri());
        try (var c = check.connect()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> c.sync().hlen(ClusterMappingScope.REPORTS) == DEVICES);
        } finally {
            check.shutdown();
        }
        System.out.printf("partitioned probing: %d probes of %d mappings by instance %s%n", probes.size(), DEVICES,
                probes.stream().collect(java.util.stream.Collectors.groupingBy(ProbingCluster.Probe::instance, java.util.stream.Collectors.counting())));
    }

    /** Each device probed at least {@code times} times after {@code since}, by instances other than {@code not}. */
    private boolean everyDeviceProbedSince(long since, int times, int not) {
        int[] n = new int[DEVICES];
        for (ProbingCluster.Probe p : cluster.probes) {
            if (p.at() > since && p.instance() != not) {
                n[p.device()]++;
            }
        }
        for (int c : n) {
            if (c < times) {
                return false;
            }
        }
        return true;
    }

    /** Never two probes of one mapping within one interval (less the lease's tenth and scheduling slack). */
    private void assertOncePerInterval(long since) {
        Map<Integer, List<Long>> byDevice = new HashMap<>();
        cluster.probes.stream().filter(p -> p.at() >= since).forEach(p -> byDevice.computeIfAbsent(p.device(), k -> new ArrayList<>()).add(p.at()));
        byDevice.forEach((d, times) -> {
            times.sort(Long::compare);
            for (int i = 1; i < times.size(); i++) {
                assertThat(times.get(i) - times.get(i - 1)).as("gap between probes of device %d: %s", d,
                                cluster.probes.stream().filter(p -> p.device() == d).toList())
                        .isGreaterThanOrEqualTo(INTERVAL * 3 / 4);
            }
        });
    }
}
