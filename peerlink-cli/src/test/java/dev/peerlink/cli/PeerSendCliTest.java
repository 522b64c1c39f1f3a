package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peer --send FILE}: each side of a connection sends a file while receiving the other's (what the ladder bench
 * uses for "both ways at once"). The peer runs as a child JVM with its stdout in a file, connect in this JVM with
 * files as stdin and stdout, against an in-process signalling server, on loopback.
 */
class PeerSendCliTest {
    @TempDir
    Path dir;
    SignalServer server;
    Process peer;

    @BeforeEach
    void start() throws Exception {
        server = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                .dataDir(dir.resolve("server")).mappingMonitor(null).build(), List.of(), id -> Optional.empty());
    }

    @AfterEach
    void stop() throws Exception {
        if (peer != null) {
            peer.destroy();
            peer.waitFor(10, TimeUnit.SECONDS);
        }
        server.close();
    }

    @Test
    void bothSidesSendAFileAtOnceAndEachReceivesTheOthersIntact() throws Exception {
        Path fromPeer = random("from-peer", 3 << 20, 1);
        Path fromConnect = random("from-connect", 2 << 20, 2);
        Path peerOut = dir.resolve("peer.out");
        Path peerErr = dir.resolve("peer.err");
        peer = child(List.of("peer", "--id", "bob", "--send", fromPeer.toString()), "bob")
                .redirectOutput(peerOut.toFile()).redirectError(peerErr.toFile()).start();
        await().atMost(Duration.ofSeconds(30)).failFast("peer exited", () -> !peer.isAlive())
                .until(() -> Files.readString(peerErr).contains("{\"event\":\"ready\""));

        // connect in this JVM (one JVM start less), its stdin and stdout swapped for the files
        Path connectOut = dir.resolve("connect.out");
        InputStream oldIn = System.in;
        PrintStream oldOut = System.out;
        int exit;
        try (InputStream in = Files.newInputStream(fromConnect);
             PrintStream out = new PrintStream(Files.newOutputStream(connectOut), false)) {
            System.setIn(in);
            System.setOut(out);
            exit = Main.run("connect", "bob", "--id", "alice", "--server", addr(), "--home",
                    dir.resolve("keys").resolve("alice").toString(), "--loopback");
        } finally {
            System.setIn(oldIn);
            System.setOut(oldOut);
        }

        assertThat(exit).isZero();
        assertThat(Files.mismatch(connectOut, fromPeer)).as("what connect received is the peer's file").isEqualTo(-1);
        // connect ends at the peer's FIN, which can come before the peer has read (and written out) all of connect's bytes
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.size(peerOut) >= Files.size(fromConnect));
        assertThat(Files.mismatch(peerOut, fromConnect)).as("what the peer received is connect's stdin").isEqualTo(-1);
    }

    @Test
    void sendAndEchoExcludeEachOtherAndTheFileMustBeReadable() throws Exception {
        Path f = random("f", 10, 3);
        assertThat(CliRun.of("peer", "--id", "bob", "--server", addr(), "--send", f.toString(), "--echo").exit()).isEqualTo(2);
        assertThat(CliRun.of("peer", "--id", "bob", "--server", addr(), "--send", dir.resolve("missing").toString()).exit())
                .isEqualTo(2);
    }

    Path random(String name, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    String addr() {
        return "127.0.0.1:" + server.address().getPort();
    }

    ProcessBuilder child(List<String> args, String id) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        cmd.addAll(List.of("--server", addr(), "--home", dir.resolve("keys").resolve(id).toString(), "--loopback"));
        return new ProcessBuilder(cmd).directory(new File(dir.toString()));
    }
}
