package dev.peerlink.bench;

import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.client.TurnClient;
import dev.peerlink.turn.client.TurnTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Relay throughput of a TURN server (a load generator, not a test): N clients allocate, bind a
 * channel to a local UDP echo peer and push fixed-size payloads at a target total rate for a
 * fixed time. Every packet crosses the relay twice (client → peer, echo → client), so the
 * server relays twice the send rate. Reports packets/s and Mbit/s relayed, loss one-way and
 * round trip, and the server's CPU from /proc/PID/stat. Loopback only; stops by itself.
 *
 * <pre>
 * TurnRelayBenchmark --server 127.0.0.1:3478 --user u --password p [--secret S] [--transport udp|tcp]
 *     [--clients 4] [--sizes 100,1200] [--rate 20000] [--duration 10] [--server-pid PID] [--label coturn]
 * </pre>
 */
public final class TurnRelayBenchmark {
    private static final Duration WARMUP = Duration.ofSeconds(1);
    private static final Duration DRAIN = Duration.ofMillis(500);
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux x86-64

    private record Result(String label, String transport, int clients, int size, long targetRate, double seconds,
                          long sent, long atPeer, long back, double serverCpuSeconds, double benchCpuSeconds) {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = parse(argv);
        InetSocketAddress server = hostPort(a.getOrDefault("server", "127.0.0.1:3478"));
        if (!server.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("loopback servers only: " + server);
        }
        TurnTransport transport = TurnTransport.valueOf(a.getOrDefault("transport", "udp").toUpperCase(Locale.ROOT));
        int clients = Integer.parseInt(a.getOrDefault("clients", "4"));
        long rate = Long.parseLong(a.getOrDefault("rate", "20000"));
        Duration duration = Duration.ofSeconds(Long.parseLong(a.getOrDefault("duration", "10")));
        long pid = Long.parseLong(a.getOrDefault("server-pid", "0"));
        String label = a.getOrDefault("label", "server");
        List<Result> results = new ArrayList<>();
        for (String size : a.getOrDefault("sizes", "100,1200").split(",")) {
            results.add(run(label, server, transport, a, clients, Integer.parseInt(size.trim()), rate, duration, pid));
        }
        System.out.println();
        System.out.println("label\ttransport\tclients\tbytes\ttarget_pps\tsent_pps\trelayed_pps\trelayed_Mbit_s"
                + "\tloss_oneway_%\tloss_roundtrip_%\tserver_cpu_%\tserver_cpu_s_per_Gbit\tbench_cpu_%");
        for (Result r : results) {
            double relayed = (r.atPeer + r.back) / r.seconds;
            double mbit = relayed * r.size * 8 / 1e6;
            System.out.printf(Locale.ROOT, "%s\t%s\t%d\t%d\t%d\t%.0f\t%.0f\t%.1f\t%.3f\t%.3f\t%s\t%s\t%.0f%n",
                    r.label, r.transport, r.clients, r.size, r.targetRate, r.sent / r.seconds, relayed, mbit,
                    100.0 * (r.sent - r.atPeer) / Math.max(1, r.sent), 100.0 * (r.sent - r.back) / Math.max(1, r.sent),
                    r.serverCpuSeconds < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", 100 * r.serverCpuSeconds / r.seconds),
                    r.serverCpuSeconds < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", r.serverCpuSeconds / (mbit / 1000 * r.seconds)),
                    100 * r.benchCpuSeconds / r.seconds);
        }
    }

    private static Result run(String label, InetSocketAddress server, TurnTransport transport, Map<String, String> a,
                              int clientCount, int size, long rate, Duration duration, long pid) throws Exception {
        LongAdder back = new LongAdder();
        try (EchoPeer peer = new EchoPeer()) {
            List<TurnClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < clientCount; i++) {
                    TurnClient c = TurnClient.builder(server, credentials(a, i)).transport(transport)
                            .localAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                            .onData((p, d) -> back.increment()).connect();
                    clients.add(c);
                    c.allocate();
                    c.bindChannel(peer.address());
                }
                byte[] payload = new byte[size];
                pace(clients, peer.address(), payload, rate, WARMUP, new long[1]);
                awaitQuiet();
                long peer0 = peer.received.sum();
                long back0 = back.sum();
                double cpu0 = cpuSeconds(pid);
                double bench0 = benchCpuSeconds();
                long start = System.nanoTime();
                long[] sent = new long[1];
                pace(clients, peer.address(), payload, rate, duration, sent);
                LockSupport.parkNanos(DRAIN.toNanos()); // let in-flight echoes land before counting
                double seconds = (System.nanoTime() - start) / 1e9 - DRAIN.toNanos() / 1e9;
                double cpu = pid > 0 ? cpuSeconds(pid) - cpu0 : -1;
                Result r = new Result(label, transport.name().toLowerCase(Locale.ROOT), clientCount, size, rate,
                        seconds, sent[0], peer.received.sum() - peer0, back.sum() - back0, cpu, benchCpuSeconds() - bench0);
                System.out.printf(Locale.ROOT, "%s %s %d B: sent %d, at peer %d, back %d in %.1f s%n", label,
                        r.transport, size, r.sent, r.atPeer, r.back, seconds);
                return r;
            } finally {
                clients.forEach(TurnClient::close);
            }
        }
    }

    /** Sends round-robin over the clients at {@code rate} packets/s for {@code time}, in 1 ms batches. */
    private static void pace(List<TurnClient> clients, InetSocketAddress peer, byte[] payload, long rate, Duration time,
                             long[] sent) throws IOException {
        long start = System.nanoTime();
        long end = start + time.toNanos();
        long due = 0;
        int next = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                return;
            }
            long target = (now - start) * rate / 1_000_000_000L;
            while (due < target) {
                clients.get(next).send(peer, payload);
                next = next + 1 == clients.size() ? 0 : next + 1;
                due++;
                sent[0]++;
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static void awaitQuiet() {
        LockSupport.parkNanos(DRAIN.toNanos());
    }

    private static TurnCredentials credentials(Map<String, String> a, int i) {
        if (a.containsKey("secret")) {
            return TurnCredentials.mint(a.get("secret"), "bench" + i, Duration.ofHours(1));
        }
        return TurnCredentials.of(a.getOrDefault("user", "bench"), a.getOrDefault("password", "bench"));
    }

    /** utime + stime of a process, from /proc/PID/stat (fields 14 and 15, after the parenthesised name). */
    static double cpuSeconds(long pid) throws IOException {
        if (pid <= 0) {
            return -1;
        }
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS_PER_SECOND;
    }

    private static double benchCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    /** A UDP echo on 127.0.0.1 that counts what it receives. */
    private static final class EchoPeer implements AutoCloseable {
        final DatagramChannel channel;
        final LongAdder received = new LongAdder();

        EchoPeer() throws IOException {
            channel = DatagramChannel.open();
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread t = new Thread(this::loop, "bench-echo");
            t.setDaemon(true);
            t.start();
        }

        InetSocketAddress address() throws IOException {
            return (InetSocketAddress) channel.getLocalAddress();
        }

        private void loop() {
            ByteBuffer buf = ByteBuffer.allocateDirect(65536);
            while (true) {
                try {
                    buf.clear();
                    var from = channel.receive(buf);
                    received.increment();
                    buf.flip();
                    channel.send(buf, from);
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    // ICMP from a relay port that just closed; keep echoing
                }
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + argv[i]);
            }
            m.put(argv[i].substring(2), argv[++i]);
        }
        return m;
    }

    private static InetSocketAddress hostPort(String s) {
        int colon = s.lastIndexOf(':');
        return new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
    }
}
