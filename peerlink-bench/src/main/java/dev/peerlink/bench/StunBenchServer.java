package dev.peerlink.bench;

import dev.peerlink.stun.server.StunServer;
import dev.peerlink.stun.server.StunServerConfig;
import dev.peerlink.stun.server.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the STUN server for benchmarks: loopback only, rate limit off (the load comes from one IP),
 * until killed. Usage: {@code StunBenchServer <port> [ioThreads] [auto|epoll|nio]}.
 */
public final class StunBenchServer {
    private StunBenchServer() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 3478;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        Transport transport = args.length > 2 ? Transport.valueOf(args[2].toUpperCase()) : Transport.AUTO;
        StunServer server = StunServer.start(StunServerConfig.builder()
                .primary(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .noRateLimit()
                .ioThreads(threads)
                .transport(transport)
                .build());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stats " + server.stats());
            server.close();
            stopped.countDown();
        }));
        System.out.println("READY udp=" + server.udpAddresses() + " transport=" + server.transportName()
                + " ioThreads=" + threads);
        System.out.flush();
        stopped.await();
    }
}
