package dev.peerlink.bench;

import dev.peerlink.stun.server.Transport;
import dev.peerlink.turn.server.TurnServer;
import dev.peerlink.turn.server.TurnServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * Runs our TURN relay for benchmarks until killed: UDP only on 127.0.0.1, user bench:bench, realm
 * bench, loopback peers allowed (the load generator's peer is on 127.0.0.1), relayed ports
 * 56000-56999, no bandwidth limit. Usage: {@code TurnBenchServer <port> [ioThreads] [auto|epoll|nio]}.
 */
public final class TurnBenchServer {
    private TurnBenchServer() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 3478;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Transport transport = args.length > 2 ? Transport.valueOf(args[2].toUpperCase()) : Transport.AUTO;
        InetAddress lo = InetAddress.getLoopbackAddress();
        TurnServer server = TurnServer.start(TurnServerConfig.builder()
                .listen(new InetSocketAddress(lo, port))
                .relayIp(lo)
                .portRange(56000, 56999)
                .realm("bench")
                .user("bench", "bench")
                .allowPeer("127.0.0.0/8")
                .tcp(false)
                .ioThreads(threads)
                .transport(transport)
                .build());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stats " + server.stats());
            server.close();
            stopped.countDown();
        }));
        System.out.println("READY udp=" + server.udpAddress() + " transport=" + server.transportName()
                + " ioThreads=" + threads);
        System.out.flush();
        stopped.await();
    }
}
