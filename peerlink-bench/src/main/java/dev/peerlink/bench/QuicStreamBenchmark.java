package dev.peerlink.bench;

import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.QuicTransport;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SessionConfig;
import dev.peerlink.secure.internal.QuicSecureSession;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bulk throughput of one QUIC secure stream on loopback, each side on its own {@link QuicTransport} (its own I/O
 * thread, as two processes would be), against a reference measured in the same run: plain UDP datagrams of the same
 * payload size blasted over loopback by one thread and counted by another (what one core moves with one syscall per
 * datagram, no crypto, no acks). Prints MB/s and the ratio. The QUIC tuning under test is whatever
 * {@code QuicConnector} does by default; pass {@code -Dpeerlink.quic.*} properties to compare settings.
 *
 * <pre>java -cp ... dev.peerlink.bench.QuicStreamBenchmark [MB=200] [runs=3]</pre>
 */
public final class QuicStreamBenchmark {
    private static final int UDP_PAYLOAD = 1350;

    public static void main(String[] args) throws Exception {
        int mb = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        DeviceIdentity a = DeviceIdentity.generate();
        DeviceIdentity b = DeviceIdentity.generate();
        SessionConfig cfg = SessionConfig.defaults().withIdleTimeout(java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(30));
        System.out.printf("QUIC stream throughput, %d MiB per run, loopback, %d cores, load %s, %s%n", mb,
                Runtime.getRuntime().availableProcessors(), loadAverage(), System.getProperties().entrySet().stream()
                        .filter(e -> e.getKey().toString().startsWith("peerlink.")).toList());
        double udp = udpReference(mb);
        System.out.printf("udp reference (%d-byte datagrams, no crypto)  %8.1f MB/s%n", UDP_PAYLOAD, udp);
        try (QuicTransport server = new QuicTransport(1); QuicTransport client = new QuicTransport(1)) {
            for (int r = 0; r < runs; r++) {
                DatagramChannel cs = udp();
                DatagramChannel ss = udp();
                InetSocketAddress at = (InetSocketAddress) ss.getLocalAddress();
                CompletableFuture<SecureSession> s = server.accept(ss, b, a.publicIdentity(), cfg);
                SecureSession c = client.connect(cs, at, a, b.publicIdentity(), cfg)
                        .get(10, TimeUnit.SECONDS);
                long cpu0 = cpuNanos();
                double quic = mb * 1.048576 / (transfer(c, s.get(10, TimeUnit.SECONDS), mb) / 1e9);
                double cpuPerGb = (cpuNanos() - cpu0) / 1e9 / (mb / 1024.0);
                System.out.printf("quic  %8.1f MB/s  %.2fx udp reference  %.1f CPU-s/GiB (both ends)  (load %s)%n",
                        quic, quic / udp, cpuPerGb, loadAverage());
            }
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static DatagramChannel udp() throws Exception {
        return DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** MB/s of datagrams that arrived when one thread sends mb MiB as fast as it can and another receives. */
    private static double udpReference(int mb) throws Exception {
        try (DatagramChannel rx = udp(); DatagramChannel tx = udp()) {
            rx.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 8 << 20);
            tx.connect(rx.getLocalAddress());
            AtomicLong got = new AtomicLong();
            rx.configureBlocking(false);
            Thread receiver = Thread.ofPlatform().start(() -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(2048);
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        buf.clear();
                        if (rx.receive(buf) != null) {
                            got.addAndGet(buf.position());
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                } catch (Exception ignored) {
                    // closed: done
                }
            });
            ByteBuffer out = ByteBuffer.allocateDirect(UDP_PAYLOAD);
            long total = (long) mb << 20;
            long t0 = System.nanoTime();
            for (long sent = 0; sent < total; sent += UDP_PAYLOAD) {
                out.clear();
                tx.write(out);
            }
            long t = System.nanoTime() - t0;
            receiver.interrupt();
            receiver.join();
            return got.get() / 1e6 / (t / 1e9);
        }
    }

    /** The transfer; with -Dpeerlink.bench.stats=true, quiche's view of the sender's path afterwards. */
    private static long transfer(SecureSession client, SecureSession server, int mb) throws Exception {
        return SecureThroughputBenchmark.transfer(client, server, mb, () -> {
            if (Boolean.getBoolean("peerlink.bench.stats") && client instanceof QuicSecureSession q) {
                System.out.println("  sender: " + q.stats());
            }
        });
    }
}
