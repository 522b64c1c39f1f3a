package dev.peerlink.bench;

import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.QuicTransport;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.SessionConfig;
import dev.peerlink.secure.TlsTransport;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bulk throughput of one secure stream on loopback, per transport: QUIC (UDP) and TLS 1.3 + mux (TCP). Both ends in
 * this process; the sender writes N MB and closes (FIN), the receiver counts bytes to end of stream.
 *
 * <pre>java -cp ... dev.peerlink.bench.SecureThroughputBenchmark [MB=100] [runs=3]</pre>
 */
public final class SecureThroughputBenchmark {
    public static void main(String[] args) throws Exception {
        int mb = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        DeviceIdentity a = DeviceIdentity.generate();
        DeviceIdentity b = DeviceIdentity.generate();
        SessionConfig cfg = SessionConfig.defaults().withWindows(4 << 20, 32L << 20);
        System.out.printf("secure stream throughput, %d MB per run, loopback, %d cores%n", mb, Runtime.getRuntime().availableProcessors());
        try (QuicTransport quic = new QuicTransport(1)) {
            for (int r = 0; r < runs; r++) {
                DatagramChannel cs = udp();
                DatagramChannel ss = udp();
                CompletableFuture<SecureSession> s = quic.accept(ss, b, a.publicIdentity(), cfg);
                SecureSession c = quic.connect(cs, (InetSocketAddress) ss.getLocalAddress(), a, b.publicIdentity(), cfg).get(10, TimeUnit.SECONDS);
                report("quic", mb, transfer(c, s.get(10, TimeUnit.SECONDS), mb));
            }
        }
        for (int r = 0; r < runs; r++) {
            try (ServerSocket l = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                CompletableFuture<SecureSession> s = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> {
                    try {
                        s.complete(TlsTransport.accept(l.accept(), b, a.publicIdentity(), cfg));
                    } catch (Exception e) {
                        s.completeExceptionally(e);
                    }
                });
                SecureSession c = TlsTransport.connect(new Socket(l.getInetAddress(), l.getLocalPort()), a, b.publicIdentity(), cfg);
                report("tls ", mb, transfer(c, s.get(10, TimeUnit.SECONDS), mb));
            }
        }
    }

    private static DatagramChannel udp() throws Exception {
        DatagramChannel c = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        c.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        c.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        return c;
    }

    private static void report(String name, int mb, long nanos) {
        double s = nanos / 1e9;
        System.out.printf("%s  %6.2f s  %8.1f MB/s%n", name, s, mb * 1.048576 / s);
    }

    /** Nanoseconds to move mb MiB from client to server on one stream, until the server read end of stream. */
    private static long transfer(SecureSession client, SecureSession server, int mb) throws Exception {
        return transfer(client, server, mb, () -> { });
    }

    /** As above; {@code beforeClose} runs after the transfer, while both sessions are still open. */
    static long transfer(SecureSession client, SecureSession server, int mb, Runnable beforeClose) throws Exception {
        CompletableFuture<Long> received = new CompletableFuture<>();
        server.onStream(st -> {
            try (InputStream in = st.input()) {
                byte[] buf = new byte[256 * 1024];
                long n = 0;
                int k;
                while ((k = in.read(buf)) >= 0) {
                    n += k;
                }
                received.complete(n);
            } catch (Exception e) {
                received.completeExceptionally(e);
            }
        });
        byte[] chunk = new byte[256 * 1024];
        new java.util.Random(1).nextBytes(chunk);
        long total = (long) mb << 20;
        long t0 = System.nanoTime();
        SecureStream st = client.openStream();
        try (OutputStream out = st.output()) {
            for (long sent = 0; sent < total; sent += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, total - sent));
            }
        }
        long got = received.get(300, TimeUnit.SECONDS);
        long t = System.nanoTime() - t0;
        if (got != total) {
            throw new IllegalStateException("received " + got + " of " + total);
        }
        beforeClose.run();
        client.close();
        server.close();
        return t;
    }
}
