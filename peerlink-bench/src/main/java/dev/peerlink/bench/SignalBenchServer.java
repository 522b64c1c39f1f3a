package dev.peerlink.bench;

import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Runs our signalling server for the capacity benchmark until killed, as production would
 * (SQLite registry in {@code dataDir}, mapping monitor on, default limits) except that the per-IP
 * registration limit is lifted: every simulated device comes from 127.0.0.1.
 * Usage: {@code SignalBenchServer <port> <dataDir> [heartbeatSeconds=25]}.
 */
public final class SignalBenchServer {
    private SignalBenchServer() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path data = Path.of(args[1]);
        int heartbeat = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        SignalServerConfig.Limits d = SignalServerConfig.Limits.defaults();
        SignalServer server = SignalServer.start(SignalServerConfig.builder()
                .listen(new InetSocketAddress("127.0.0.1", port))
                .dataDir(data)
                .heartbeat(Duration.ofSeconds(heartbeat))
                .limits(new SignalServerConfig.Limits(d.maxFrameBytes(), d.messagesPerSecond(), d.burst(), Integer.MAX_VALUE,
                        d.maxSessionsPerDevice(), d.maxProtocolErrors()))
                .build(), List.of("127.0.0.1:3478"), id -> Optional.empty());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stats online=" + server.onlineDevices() + " registered=" + server.registeredDevices()
                    + " sessions=" + server.liveSessions());
            server.close();
            stopped.countDown();
        }));
        System.out.println("READY url=" + server.url() + " pid=" + ProcessHandle.current().pid() + " heartbeat=" + heartbeat + "s");
        System.out.flush();
        stopped.await();
    }
}
