package dev.peerlink.bench;

import dev.peerlink.cluster.ClusterNode;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * One cluster instance for the cluster capacity benchmark, run until killed: the signalling server on the shared
 * Redis and PostgreSQL ({@link ClusterNode}), mapping monitor on, default limits except the per-IP registration limit
 * (every simulated device comes from 127.0.0.1), as {@link SignalBenchServer} is for one process.
 * Usage: {@code ClusterBenchServer <port> <redis://…> <jdbc:postgresql://…> <user> <instanceId> [heartbeatSeconds=60]}.
 */
public final class ClusterBenchServer {
    private ClusterBenchServer() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int heartbeat = args.length > 5 ? Integer.parseInt(args[5]) : 60;
        SignalServerConfig.Limits d = SignalServerConfig.Limits.defaults();
        SignalServerConfig config = SignalServerConfig.builder()
                .listen(new InetSocketAddress("127.0.0.1", port))
                .heartbeat(Duration.ofSeconds(heartbeat))
                .limits(new SignalServerConfig.Limits(d.maxFrameBytes(), d.messagesPerSecond(), d.burst(), Integer.MAX_VALUE,
                        d.maxSessionsPerDevice(), d.maxProtocolErrors()))
                .build();
        Duration window = Duration.ofSeconds(heartbeat).multipliedBy(config.missedHeartbeats());
        ClusterNode node = ClusterNode.open(new ClusterNode.Options(args[1], args[2], args[3], null, args[4], window, null));
        SignalServer server = SignalServer.start(config, List.of("127.0.0.1:3478"), id -> Optional.empty(), node.seams());
        node.attach(server, server.url()); // membership and the partitioned mapping probes, as peerlink server --cluster
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stats online=" + server.onlineDevices() + " registered=" + server.registeredDevices()
                    + " sessions=" + server.liveSessions());
            server.close();
            node.close();
            stopped.countDown();
        }));
        System.out.println("READY url=" + server.url() + " pid=" + ProcessHandle.current().pid() + " heartbeat=" + heartbeat
                + "s instance=" + node.instanceId());
        System.out.flush();
        stopped.await();
    }
}
