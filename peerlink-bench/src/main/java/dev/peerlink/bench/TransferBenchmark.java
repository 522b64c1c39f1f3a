package dev.peerlink.bench;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.server.transfer.TransferConfig;
import dev.peerlink.transfer.ChunkingParams;
import dev.peerlink.transfer.ContentId;
import dev.peerlink.transfer.Manifest;
import dev.peerlink.transfer.client.SendResult;
import dev.peerlink.transfer.client.TransferClient;
import dev.peerlink.transfer.client.TransferCredentials;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Issue 7's benchmark: first versus duplicate send of one large file through a real central server on loopback
 * (SQLite + file blobs in WORKDIR), and hashing throughput against {@code openssl speed -evp sha256} and
 * {@code sha256sum} in the same run. A duplicate is sent by a second device that holds the same bytes, so it must
 * prove possession (the server reads 2 x 2 KiB per chunk) and should cost about one hashing pass.
 *
 * <pre>java -cp ... dev.peerlink.bench.TransferBenchmark WORKDIR [SIZE_MIB=1024]</pre>
 */
public final class TransferBenchmark {
    private TransferBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        long size = (args.length > 1 ? Long.parseLong(args[1]) : 1024) << 20;
        Files.createDirectories(work);
        Path file = work.resolve("content.bin");
        writeRandom(file, size);
        double mib = size / 1048576.0;
        System.out.printf(Locale.ROOT, "== %s: %.0f MiB of seeded random bytes%n", file, mib);

        // hashing: warm the page cache and the JIT once, then measure
        ContentId.compute(file);
        long t0 = System.nanoTime();
        ContentId plain = ContentId.compute(file);
        double plainS = seconds(t0);
        t0 = System.nanoTime();
        Manifest m = Manifest.build(file, ChunkingParams.DEFAULT);
        double manifestS = seconds(t0);
        double openssl = opensslSha256MBps();
        double sha256sumS = sha256sum(file, plain);
        System.out.printf(Locale.ROOT, "hash  ContentId.compute (SHA-256, streaming):          %7.1f MiB/s (%.2f s)%n", mib / plainS, plainS);
        System.out.printf(Locale.ROOT, "hash  Manifest.build (SHA-256 + FastCDC + chunk SHA):  %7.1f MiB/s (%.2f s, %d chunks)%n",
                mib / manifestS, manifestS, m.chunkCount());
        System.out.printf(Locale.ROOT, "ref   sha256sum FILE:                                  %7.1f MiB/s (%.2f s)%n", mib / sha256sumS, sha256sumS);
        System.out.printf(Locale.ROOT, "ref   openssl speed -evp sha256 (16 KiB blocks, RAM): %7.1f MiB/s%n", openssl);
        System.out.printf(Locale.ROOT, "ratio ContentId/openssl %.2f, ContentId/sha256sum %.2f, Manifest/openssl %.2f%n",
                (mib / plainS) / openssl, sha256sumS / plainS, (mib / manifestS) / openssl);

        Path data = work.resolve("server");
        try (SignalServer server = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                .dataDir(data).mappingMonitor(null)
                .transfer(TransferConfig.central(TransferConfig.Storage.inDir(data.resolve("transfer")))
                        .withLimits(8L << 30, 1L << 40, 16)).build(), List.of(), id -> Optional.empty())) {
            URI url = URI.create(server.transferUrl());
            TransferClient.Options opts = TransferClient.Options.defaults();
            TransferClient.connect(url, device("bob"), opts).close();
            SendResult first;
            try (TransferClient alice = TransferClient.connect(url, device("alice"), opts)) {
                first = alice.send(file, "bob");
            }
            SendResult dup;
            try (TransferClient carol = TransferClient.connect(url, device("carol"), opts)) {
                dup = carol.send(file, "bob");
            }
            report("first", first, mib);
            report("duplicate", dup, mib);
            System.out.printf(Locale.ROOT, "duplicate/first time %.3f; duplicate time / one ContentId pass %.2f; uploaded %d of %d bytes%n",
                    dup.totalMillis() / (double) first.totalMillis(), dup.totalMillis() / 1000.0 / plainS, dup.bytesSent(), size);
            System.out.printf(Locale.ROOT, "{\"sizeBytes\":%d,\"hashMiBps\":%.1f,\"manifestMiBps\":%.1f,\"opensslMiBps\":%.1f,"
                            + "\"sha256sumMiBps\":%.1f,\"firstMs\":%d,\"firstBytes\":%d,\"dupMs\":%d,\"dupBytes\":%d,\"dupHashMs\":%d}%n",
                    size, mib / plainS, mib / manifestS, openssl, mib / sha256sumS, first.totalMillis(), first.bytesSent(),
                    dup.totalMillis(), dup.bytesSent(), dup.hashMillis());
        }
    }

    private static void report(String what, SendResult r, double mib) {
        System.out.printf(Locale.ROOT, "send  %-9s %6d ms total (hash+manifest %5d ms, rest %5d ms), uploaded=%b, %d bytes sent (%d of %d chunks), "
                        + "delivered by %s, %.1f MiB/s end to end%n", what, r.totalMillis(), r.hashMillis(), r.totalMillis() - r.hashMillis(),
                r.uploaded(), r.bytesSent(), r.chunksSent(), r.chunkCount(), r.deliveredBy(), mib / (r.totalMillis() / 1000.0));
    }

    private static TransferCredentials.Device device(String id) throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        return new TransferCredentials.Device(DeviceId.of(id), Ed25519.encodePublicKey(kp.getPublic()), kp.getPrivate());
    }

    private static void writeRandom(Path file, long size) throws IOException {
        if (Files.exists(file) && Files.size(file) == size) {
            return;
        }
        SplittableRandom r = new SplittableRandom(7);
        byte[] block = new byte[8 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += block.length) {
                for (int i = 0; i < block.length; i += 8) {
                    long v = r.nextLong();
                    for (int k = 0; k < 8; k++) {
                        block[i + k] = (byte) (v >>> (8 * k));
                    }
                }
                out.write(block, 0, (int) Math.min(block.length, size - done));
            }
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** openssl's SHA-256 over 16 KiB blocks in memory, MiB/s (its figures are in 1000s of bytes per second). */
    static double opensslSha256MBps() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("openssl", "speed", "-evp", "sha256", "-bytes", "16384", "-seconds", "3")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        for (String line : out.lines().toList()) {
            String t = line.trim();
            if (t.toLowerCase(Locale.ROOT).startsWith("sha256") && t.endsWith("k")) {
                String[] f = t.split("\\s+");
                return Double.parseDouble(f[f.length - 1].replace("k", "")) * 1000 / 1048576.0;
            }
        }
        throw new IOException("cannot read openssl speed output:\n" + out);
    }

    /** Wall time of {@code sha256sum FILE} (checked against our code). */
    static double sha256sum(Path file, ContentId expected) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("sha256sum", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        double s = seconds(t0);
        if (!out.startsWith(expected.hex())) {
            throw new IOException("sha256sum disagrees: " + out);
        }
        return s;
    }
}
