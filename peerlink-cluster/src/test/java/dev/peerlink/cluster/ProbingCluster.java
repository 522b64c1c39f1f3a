package dev.peerlink.cluster;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.NetworkInfo.PortMapping;
import dev.peerlink.server.monitor.MappingMonitor;
import dev.peerlink.server.monitor.MonitorConfig;
import io.lettuce.core.RedisClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntUnaryOperator;

/**
 * In-process server instances for the partitioned-probing tests and bench: each a membership, a mapping monitor and
 * its {@link ClusterMappingScope} over one Redis. A fake prober records who probed which device and answers through
 * the instance the device is "connected" to ({@code connectedTo}), so acks cross instances as they would.
 */
final class ProbingCluster implements AutoCloseable {
    record Probe(int device, int instance, long at) {}

    final ConcurrentLinkedQueue<Probe> probes = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<DeviceId> remaps = new ConcurrentLinkedQueue<>();
    final List<Node> nodes = new ArrayList<>();
    final RedisClient client;
    private final long interval;
    private final Duration heartbeat;
    private final IntUnaryOperator connectedTo;

    ProbingCluster(String redisUri, long interval, Duration heartbeat, IntUnaryOperator connectedTo) {
        this.client = RedisClient.create(redisUri);
        this.interval = interval;
        this.heartbeat = heartbeat;
        this.connectedTo = connectedTo;
    }

    /** One server instance, ticking on its own thread. */
    final class Node {
        final int index;
        final InstanceMembership membership;
        final MappingMonitor monitor;
        final ClusterMappingScope scope;
        final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();

        Node(int index) {
            this.index = index;
            membership = new InstanceMembership(client, "i" + index, "ws://10.0.0." + index + ":7000/signal", heartbeat);
            monitor = new MappingMonitor(MonitorConfig.every(Duration.ofMillis(interval)).withLimits(1_000_000, 256),
                    this::probe, (d, m) -> {
                        remaps.add(d);
                        return true;
                    }, System::currentTimeMillis);
            scope = new ClusterMappingScope(client, membership, monitor);
            membership.start();
            scope.start();
            monitor.start(exec);
        }

        private void probe(boolean tcp, InetSocketAddress to, byte[] nonce) {
            int device = deviceOf(to);
            probes.add(new Probe(device, index, System.currentTimeMillis()));
            nodes.get(connectedTo.applyAsInt(device)).monitor.ack(id(device), Ed25519.b64(nonce));
        }

        /** Dies: no more ticks, heartbeats or Redis traffic (its key expires on its own). */
        void kill() {
            if (exec.isShutdown()) {
                return;
            }
            monitor.close();
            membership.stopBeating();
            scope.close();
            exec.shutdownNow();
        }
    }

    Node start(int index) {
        Node n = new Node(index);
        nodes.add(n);
        return n;
    }

    /** Device {@code d} reports one UDP mapping (its own public IP, port 10000 + d % 50000) at its instance. */
    void report(int d) {
        InetAddress ip = publicIp(d);
        nodes.get(connectedTo.applyAsInt(d)).monitor.report(id(d), ip, List.of(new PortMapping("udp",
                new InetSocketAddress(ip, 10000 + d % 50000), new InetSocketAddress("192.168.1.2", 7000), 3600, "upnp")));
    }

    static DeviceId id(int device) {
        return DeviceId.of("dev-" + device);
    }

    /** 10.x.y.z from the device number (one device per address, so per-IP limits never bite). */
    static InetAddress publicIp(int d) {
        try {
            return InetAddress.getByAddress(new byte[] {11, (byte) (d >> 16), (byte) (d >> 8), (byte) d});
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static int deviceOf(InetSocketAddress to) {
        byte[] a = to.getAddress().getAddress();
        return (a[1] & 0xff) << 16 | (a[2] & 0xff) << 8 | a[3] & 0xff;
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            n.kill();
            n.membership.close();
        }
        client.shutdown();
    }
}
