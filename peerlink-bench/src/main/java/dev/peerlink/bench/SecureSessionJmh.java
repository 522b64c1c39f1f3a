package dev.peerlink.bench;

import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.QuicTransport;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SessionConfig;
import dev.peerlink.secure.TlsTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The secure session alone on loopback, warm (JMH): one stream of large writes (256 KiB each) from one end to the
 * other, over {@code tls} (TLS 1.3 + mux, {@link TlsTransport} on a loopback socket pair), {@code quic}
 * ({@link QuicTransport} on two loopback {@link DatagramChannel}s, one transport — one I/O thread — per end, as two
 * peers have) and, as the reference in the same run, {@code tcp}: a plain loopback socket pair. Default
 * {@link SessionConfig} windows, both ends in the benchmark JVM. An operation is 16 MiB written and received in full
 * (the receiver counts on its own thread), so ops/s × 16 MiB is what got through.
 *
 * <pre>java -cp ... dev.peerlink.bench.SecureSessionJmh [JMH options, e.g. -wi 2 -i 3 -p transport=tcp,quic]</pre>
 *
 * {@link #main} runs it and prints MB/s per transport and the ratio to plain TCP.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx1g"})
public class SecureSessionJmh {
    static final int WRITE = 256 * 1024;
    static final int WRITES_PER_OP = 64;
    static final long BYTES_PER_OP = (long) WRITE * WRITES_PER_OP;

    @Param({"tcp", "tls", "quic"})
    public String transport;

    private final byte[] chunk = new byte[WRITE];
    private final List<AutoCloseable> open = new ArrayList<>();
    private OutputStream out;
    private Drain drain;
    private long sent;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        new Random(1).nextBytes(chunk);
        InputStream in = switch (transport) {
            case "tcp" -> plainTcp();
            case "tls" -> tls();
            case "quic" -> quic();
            default -> throw new IllegalArgumentException("transport: tcp, tls or quic, not " + transport);
        };
        drain = new Drain(in);
        Thread.ofPlatform().daemon().name("receiver-" + transport).start(drain);
    }

    @Benchmark
    public long move16MiB() throws Exception {
        for (int i = 0; i < WRITES_PER_OP; i++) {
            out.write(chunk);
        }
        out.flush();
        sent += BYTES_PER_OP;
        drain.awaitAtLeast(sent);
        return sent;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private InputStream plainTcp() throws Exception {
        Socket[] pair = socketPair();
        out = pair[0].getOutputStream();
        return pair[1].getInputStream();
    }

    private InputStream tls() throws Exception {
        DeviceIdentity a = DeviceIdentity.generate();
        DeviceIdentity b = DeviceIdentity.generate();
        SessionConfig cfg = SessionConfig.defaults();
        Socket[] pair = socketPair();
        CompletableFuture<SecureSession> server = CompletableFuture.supplyAsync(() -> {
            try {
                return TlsTransport.accept(pair[1], b, a.publicIdentity(), cfg);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        SecureSession client = TlsTransport.connect(pair[0], a, b.publicIdentity(), cfg);
        return stream(client, server.get(10, TimeUnit.SECONDS));
    }

    private InputStream quic() throws Exception {
        DeviceIdentity a = DeviceIdentity.generate();
        DeviceIdentity b = DeviceIdentity.generate();
        SessionConfig cfg = SessionConfig.defaults();
        QuicTransport clientSide = new QuicTransport(1);
        QuicTransport serverSide = new QuicTransport(1);
        open.add(serverSide);
        open.add(clientSide);
        DatagramChannel cs = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        DatagramChannel ss = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        CompletableFuture<SecureSession> server = serverSide.accept(ss, b, a.publicIdentity(), cfg);
        SecureSession client = clientSide.connect(cs, (InetSocketAddress) ss.getLocalAddress(), a, b.publicIdentity(), cfg)
                .get(10, TimeUnit.SECONDS);
        return stream(client, server.get(10, TimeUnit.SECONDS));
    }

    /** Opens the stream on {@code client}, writes a first byte so that the server sees it, returns the server's input. */
    private InputStream stream(SecureSession client, SecureSession server) throws Exception {
        open.add(client);
        open.add(server);
        CompletableFuture<InputStream> accepted = new CompletableFuture<>();
        server.onStream(st -> accepted.complete(st.input()));
        out = client.openStream().output();
        out.write(0);
        out.flush();
        InputStream in = accepted.get(10, TimeUnit.SECONDS);
        if (in.read() != 0) {
            throw new IllegalStateException("first byte lost");
        }
        return in;
    }

    private Socket[] socketPair() throws IOException {
        try (ServerSocket l = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket c = new Socket(l.getInetAddress(), l.getLocalPort());
            Socket s = l.accept();
            c.setTcpNoDelay(true);
            s.setTcpNoDelay(true);
            open.add(s);
            open.add(c);
            return new Socket[] {c, s};
        }
    }

    /** Reads to end of stream on its own thread and lets the benchmark thread wait for a byte count. */
    static final class Drain implements Runnable {
        private final InputStream in;
        private long received;
        private boolean ended;

        Drain(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buf = new byte[WRITE];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (this) {
                        received += n;
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // closed at tear-down
            }
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }

        synchronized void awaitAtLeast(long bytes) throws InterruptedException {
            while (received < bytes) {
                if (ended) {
                    throw new IllegalStateException("stream ended after " + received + " of " + bytes + " bytes");
                }
                wait();
            }
        }
    }

    /** Runs the benchmark (extra JMH options allowed) and prints MB/s and the ratio to plain TCP per transport. */
    public static void main(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        Collection<RunResult> results = new Runner(new OptionsBuilder().parent(cli)
                .include(SecureSessionJmh.class.getName() + ".move16MiB").build()).run();
        Map<String, double[]> mbps = new LinkedHashMap<>();
        for (RunResult r : results) {
            String t = r.getParams().getParam("transport");
            double opsPerSecond = r.getPrimaryResult().getScore();
            double error = r.getPrimaryResult().getScoreError();
            mbps.put(t, new double[] {opsPerSecond * BYTES_PER_OP / 1e6, error * BYTES_PER_OP / 1e6});
        }
        double[] tcp = mbps.get("tcp");
        System.out.printf("%nsecure session alone, loopback, one stream of %d KiB writes, %d cores, load %.2f%n", WRITE / 1024,
                Runtime.getRuntime().availableProcessors(), java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf("%-6s %10s %10s %s%n", "", "MB/s", "+-99.9%", "ratio to plain TCP");
        mbps.forEach((t, v) -> System.out.printf("%-6s %10.1f %10.1f %s%n", t, v[0], v[1],
                tcp == null ? "-" : String.format("%.2fx", v[0] / tcp[0])));
    }
}
