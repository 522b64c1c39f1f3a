package dev.peerlink.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.NetworkInfo.PortMapping;
import dev.peerlink.server.monitor.MappingMonitor;
import dev.peerlink.server.monitor.MonitorConfig;
import dev.peerlink.testkit.db.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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

    record Probe(int device, int instance, long at) {}

    final ConcurrentLinkedQueue<Probe> probes = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<DeviceId> remaps = new ConcurrentLinkedQueue<>();
    final List<Node> nodes = new ArrayList<>();
    RedisClient client;

    /** One server instance: membership, monitor and scope, ticking on its own thread. */
    final class Node {
        final int index;
        final InstanceMembership membership;
        final MappingMonitor monitor;
        final ClusterMappingScope scope;
        final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();

        Node(int index) {
            this.index = index;
            membership = new InstanceMembership(client, "i" + index, "ws://10.0.0." + index + ":7000/signal", HEARTBEAT);
            monitor = new MappingMonitor(MonitorConfig.every(Duration.ofMillis(INTERVAL)), this::probe, (d, m) -> {
                remaps.add(d);
                return true;
            }, System::currentTimeMillis);
            scope = new ClusterMappingScope(client, membership, monitor);
            membership.start();
            scope.start();
            monitor.start(exec);
        }

        private void probe(boolean tcp, InetSocketAddress to, byte[] nonce) {
            int device = to.getPort() - 40000;
            probes.add(new Probe(device, index, System.currentTimeMillis()));
            // the device answers over its signalling connection, on the instance it is connected to
            nodes.get(connectedTo(device)).monitor.ack(id(device), Ed25519.b64(nonce));
        }

        void kill() {
            monitor.close();
            membership.stopBeating();
            scope.close();
            exec.shutdownNow();
        }
    }

    /** Devices are connected to instances 0 and 1 only, so killing 2 takes probing work away, not devices. */
    static int connectedTo(int device) {
        return device % 2;
    }

    static DeviceId id(int device) {
        return DeviceId.of("dev-" + device);
    }

    static InetAddress publicIp(int device) {
        try {
            return InetAddress.getByName("198.51.100." + (device + 1));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void tearDown() {
        nodes.forEach(n -> {
            n.kill();
            n.membership.close();
        });
        if (client != null) {
            client.shutdown();
        }
    }

    @Test
    void eachMappingIsProbedOncePerIntervalAcrossInstancesThroughADeathAndARedisRestart() throws Exception {
        client = RedisClient.create(REDIS.uri());
        for (int i = 0; i < 3; i++) {
            nodes.add(new Node(i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> nodes.stream().allMatch(n -> n.membership.live().size() == 3));
        for (int d = 0; d < DEVICES; d++) {
            InetAddress ip = publicIp(d);
            nodes.get(connectedTo(d)).monitor.report(id(d), ip, List.of(new PortMapping("udp",
                    new InetSocketAddress(ip, 40000 + d), new InetSocketAddress("192.168.1.2", 7000), 3600, "upnp")));
        }

        // steady state: every mapping probed three times, the work spread over all three instances
        await().atMost(Duration.ofSeconds(30)).until(() -> everyDeviceProbedSince(0, 3, -1));
        assertThat(probes.stream().map(Probe::instance).distinct()).as("instances probing").hasSize(3);
        assertOncePerInterval(0);
        assertThat(remaps).as("rounds failed (acks lost between instances)").isEmpty();

        // an instance dies: the survivors take its share within one interval of its last probes
        Map<Integer, Long> lastByDying = new HashMap<>();
        probes.stream().filter(p -> p.instance() == 2).forEach(p -> lastByDying.merge(p.device(), p.at(), Math::max));
        assertThat(lastByDying).isNotEmpty();
        nodes.get(2).kill();
        long killedAt = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(30)).until(() -> everyDeviceProbedSince(killedAt, 2, 2));
        for (Map.Entry<Integer, Long> e : lastByDying.entrySet()) {
            long next = probes.stream().filter(p -> p.device() == e.getKey() && p.at() > e.getValue())
                    .mapToLong(Probe::at).min().orElseThrow();
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
                probes.stream().collect(java.util.stream.Collectors.groupingBy(Probe::instance, java.util.stream.Collectors.counting())));
    }

    /** Each device probed at least {@code times} times after {@code since}, by instances other than {@code not}. */
    private boolean everyDeviceProbedSince(long since, int times, int not) {
        int[] n = new int[DEVICES];
        for (Probe p : probes) {
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
        probes.stream().filter(p -> p.at() >= since).forEach(p -> byDevice.computeIfAbsent(p.device(), k -> new ArrayList<>()).add(p.at()));
        byDevice.forEach((d, times) -> {
            times.sort(Long::compare);
            for (int i = 1; i < times.size(); i++) {
                assertThat(times.get(i) - times.get(i - 1)).as("gap between probes of device %d: %s", d,
                                probes.stream().filter(p -> p.device() == d).toList())
                        .isGreaterThanOrEqualTo(INTERVAL * 3 / 4);
            }
        });
    }
}
