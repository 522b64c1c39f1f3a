package dev.peerlink.bench;

import dev.peerlink.peer.internal.relay.RelayPath;
import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.QuicTransport;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SessionConfig;
import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.server.TurnServer;
import dev.peerlink.turn.server.TurnServerConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Relayed QUIC on loopback (issue 15 item 4): one stream P → R through a {@link RelayPath} on peerlink's own TURN
 * server, beside the same QUIC transfer directly between two loopback sockets in the same run (the reference: what
 * the relay path costs on top of QUIC). All three parties in one JVM, each QUIC end on its own transport (I/O
 * thread). Prints MB/s, the ratio, CPU seconds per GiB of the whole process and CPU per thread group, so the
 * relay's own cost (TURN framing on R's QUIC thread, the server's turn-io thread) shows apart from QUIC's.
 *
 * <pre>java -cp ... dev.peerlink.bench.RelayPathBenchmark [MB=200] [runs=3]</pre>
 */
public final class RelayPathBenchmark {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    public static void main(String[] args) throws Exception {
        int mb = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        DeviceIdentity p = DeviceIdentity.generate();
        DeviceIdentity r = DeviceIdentity.generate();
        SessionConfig cfg = SessionConfig.defaults().withIdleTimeout(Duration.ofSeconds(1), Duration.ofSeconds(30));
        TurnServer server = TurnServer.start(TurnServerConfig.builder().listen(new InetSocketAddress(LOOPBACK, 0))
                .relayIp(LOOPBACK).tcp(false).realm("bench").user("u", "p").allowPeer("127.0.0.0/8").ioThreads(1)
                .build());
        System.out.printf("relayed QUIC vs direct QUIC, %d MiB one way per run, loopback, %d cores%n", mb,
                Runtime.getRuntime().availableProcessors());
        try (QuicTransport quicP = new QuicTransport(1); QuicTransport quicR = new QuicTransport(1)) {
            for (int i = 0; i < runs; i++) {
                Run direct = measure(mb, () -> {
                    DatagramChannel ps = udp();
                    DatagramChannel rs = udp();
                    InetSocketAddress at = (InetSocketAddress) rs.getLocalAddress(); // accept takes the socket over
                    CompletableFuture<SecureSession> accepted = quicR.accept(rs, r, p.publicIdentity(), cfg);
                    SecureSession c = quicP.connect(ps, at, p,
                            r.publicIdentity(), cfg).get(10, TimeUnit.SECONDS);
                    return new SecureSession[] {c, accepted.get(10, TimeUnit.SECONDS)};
                }, null);
                RelayPath[] relay = new RelayPath[1];
                Run relayed = measure(mb, () -> {
                    relay[0] = RelayPath.open(quicR, server.udpAddress(), TurnCredentials.of("u", "p"), Duration.ofSeconds(5));
                    relay[0].permit(LOOPBACK);
                    CompletableFuture<SecureSession> accepted = quicR.accept(relay[0].quicChannel(), r,
                            p.publicIdentity(), cfg);
                    SecureSession c = quicP.connect(udp(), relay[0].relayedAddress(), p, r.publicIdentity(), cfg)
                            .get(10, TimeUnit.SECONDS);
                    return new SecureSession[] {c, accepted.get(10, TimeUnit.SECONDS)};
                }, () -> relay[0].close());
                System.out.printf("direct  %7.1f MB/s  %5.1f CPU-s/GiB  (load %s)%n", direct.mbps, direct.cpuPerGib,
                        loadAverage());
                System.out.printf("relayed %7.1f MB/s  %5.1f CPU-s/GiB  %.2fx direct  (load %s)%n  relayed CPU-s/GiB by"
                        + " thread: %s%n  %s%n", relayed.mbps, relayed.cpuPerGib, relayed.mbps / direct.mbps,
                        loadAverage(), relayed.byThread, relay[0].stats());
            }
        } finally {
            server.close();
        }
    }

    interface Setup {
        SecureSession[] open() throws Exception;
    }

    private record Run(double mbps, double cpuPerGib, Map<String, String> byThread) {}

    private static Run measure(int mb, Setup setup, Runnable after) throws Exception {
        SecureSession[] s = setup.open();
        try {
            Map<String, Long> before = threadCpu();
            long cpu0 = processCpu();
            long nanos = SecureThroughputBenchmark.transfer(s[0], s[1], mb, () -> { });
            double gib = mb / 1024.0;
            double cpu = (processCpu() - cpu0) / 1e9 / gib;
            Map<String, Long> afterCpu = threadCpu();
            Map<String, String> byThread = new TreeMap<>();
            afterCpu.forEach((k, v) -> {
                double d = (v - before.getOrDefault(k, 0L)) / 1e9 / gib;
                if (d >= 0.05) {
                    byThread.put(k, String.format("%.2f", d));
                }
            });
            return new Run(mb * 1.048576 / (nanos / 1e9), cpu, byThread);
        } finally {
            s[0].close();
            s[1].close();
            if (after != null) {
                after.run();
            }
        }
    }

    /** CPU nanoseconds per thread group (the name without its trailing numbers). */
    private static Map<String, Long> threadCpu() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long ns = mx.getThreadCpuTime(t.threadId());
            if (ns > 0) {
                out.merge(t.getName().replaceAll("[-#]?\\d+", ""), ns, Long::sum);
            }
        }
        return out;
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static DatagramChannel udp() throws Exception {
        return DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
