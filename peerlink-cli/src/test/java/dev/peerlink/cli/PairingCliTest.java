package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.pairing.PairingCode;
import dev.peerlink.protocol.DeviceId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pair --echo} in-process against {@link PairingConnect#run} (what {@code connect --pairing} will call). */
class PairingCliTest {
    @TempDir
    Path dir;

    record Result(int exit, byte[] out, String err) {}

    static Result connect(String codeOrFile, byte[] input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = PairingConnect.run(codeOrFile, DeviceIdentity.ephemeral(DeviceId.of("phone")),
                new ByteArrayInputStream(input), out, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void pairEchoServesOneConnectionFromThePng() throws Exception {
        Path png = dir.resolve("code.png");
        // its own thread: a pair left waiting by a failed assertion must not hold a thread of the common pool, which
        // the tests that follow may use
        ExecutorService own = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("pair").unstarted(r));
        try {
            CompletableFuture<Integer> pair = CompletableFuture.supplyAsync(() -> Main.run("pair", "--id", "office-pc",
                    "--home", dir.resolve("home").toString(), "--listen", "127.0.0.1:0", "--png", png.toString(), "--echo",
                    "--ttl", "2m"), own);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> Files.exists(png) || pair.isDone());
            assertThat(png).exists();
            byte[] data = new byte[300_000];
            new Random(3).nextBytes(data);
            Result r = connect(png.toString(), data);
            assertThat(r.err()).matches("(?s)\\{\"event\":\"connected\",\"path\":\"pairing\",\"setupMs\":\\d+}\\R"
                    + "\\{\"event\":\"closed\",\"sentBytes\":300000,\"receivedBytes\":300000,\"transferMs\":\\d+}\\R");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).isEqualTo(data);
            assertThat(pair.get(20, TimeUnit.SECONDS)).isZero();
            // the code was for one use: the listener is gone
            Result again = connect(png.toString(), new byte[0]);
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err().lines()).singleElement().asString().startsWith("connect: pairing with office-pc failed");
        } finally {
            own.shutdownNow();
        }
    }

    @Test
    void errorsAreOneLineAndExitOne() throws Exception {
        var id = dev.peerlink.secure.DeviceIdentity.generate().publicIdentity();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<InetSocketAddress> nowhere = List.of(new InetSocketAddress("127.0.0.1", port));
        String expired = new PairingCode(DeviceId.of("pc"), id, nowhere, PairingCode.newToken(),
                Instant.now().minusSeconds(3600)).toText();
        String unreachable = new PairingCode(DeviceId.of("pc"), id, nowhere, PairingCode.newToken(),
                Instant.now().plusSeconds(600)).toText();
        Path blank = dir.resolve("blank.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "PNG", blank.toFile());
        String[][] cases = {
                {expired, "(expired)"},
                {unreachable, "(unreachable)"},
                {unreachable.substring(0, 60), "bad pairing code (truncated)"},
                {"hello", "bad pairing code (bad_prefix)"},
                {blank.toString(), "no QR code found in"},
                {dir.resolve("missing.png").toString(), "no such image file"},
        };
        for (String[] c : cases) {
            long t0 = System.nanoTime();
            Result r = connect(c[0], new byte[0]);
            assertThat(r.exit()).as(c[1]).isEqualTo(1);
            assertThat(r.err().lines()).as(r.err()).singleElement().asString().startsWith("connect: ").contains(c[1]);
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(10));
        }
    }

    @Test
    void ttlConverter() {
        var c = new PairCommand.DurationConverter();
        assertThat(c.convert("10m")).hasMinutes(10);
        assertThat(c.convert("90s")).hasSeconds(90);
        assertThat(c.convert("1h")).hasHours(1);
        assertThat(c.convert("45")).hasSeconds(45);
        assertThat(c.convert("PT2M")).hasMinutes(2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.convert("soon"))
                .isInstanceOf(picocli.CommandLine.TypeConversionException.class);
    }
}
