package dev.peerlink.stun.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Debian's {@code stun} client (stund 0.97, package stun-client) speaks only RFC 3489: no magic
 * cookie. Run against our server on loopback it must get answers ("Primary: Blocked" is what it says
 * to a server that ignores it), and must get none once classic STUN is switched off.
 */
@Tag("system")
class StundClientInteropTest {
    private static final Path STUN = Path.of("/usr/bin/stun");

    @BeforeAll
    static void needsTheClient() {
        if (!Files.isExecutable(STUN)) {
            String reason = "/usr/bin/stun not found (install the stun-client package; ./test.sh does as root)";
            System.out.println("SKIPPED (stund interop): " + reason);
            Assumptions.abort(reason);
        }
    }

    /** Runs {@code stun host:port -v}; returns its output. Exit code is the NAT type, not success. */
    static String runStun(InetSocketAddress server) throws IOException, InterruptedException {
        Path log = Files.createTempFile("stun", ".log");
        try {
            Process p = new ProcessBuilder(STUN.toString(), server.getAddress().getHostAddress() + ":" + server.getPort(), "-v")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return Files.readString(log);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static String primary(String output) {
        return output.lines().filter(l -> l.startsWith("Primary:")).findFirst().orElse("(no Primary line)");
    }

    private static StunServer start(boolean alternate, boolean classic) throws IOException {
        StunServerConfig.Builder b = StunServerConfig.builder()
                .primary(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).ioThreads(1).classic(classic);
        if (alternate) {
            b.alternate(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
        }
        return StunServer.start(b.build());
    }

    @Test
    void withAnAlternateTheClassicTestSeesAnOpenInternet() throws Exception {
        try (StunServer server = start(true, true)) {
            String out = runStun(server.udpAddresses().get(0));
            System.out.println("stun (alternate): " + primary(out));
            // Loopback: the mapped address is the client's own and every change request is answered.
            assertThat(primary(out)).as(out).contains("Open");
            assertThat(server.stats().responses()).isPositive();
        }
    }

    /** stund reads the 420 to its change requests as answers too, so it says "Open" here as well. */
    @Test
    void withoutAnAlternateItIsAnswered() throws Exception {
        try (StunServer server = start(false, true)) {
            String out = runStun(server.udpAddresses().get(0));
            System.out.println("stun (no alternate): " + primary(out));
            assertThat(primary(out)).as(out).doesNotContain("Blocked");
            assertThat(server.stats().responses()).isPositive();
        }
    }

    @Test
    void switchedOffItIsBlocked() throws Exception {
        try (StunServer server = start(true, false)) {
            String out = runStun(server.udpAddresses().get(0));
            System.out.println("stun (classic off): " + primary(out));
            assertThat(primary(out)).as(out).contains("Blocked");
            assertThat(server.stats().responses()).isZero();
            assertThat(server.stats().droppedGarbage()).isPositive();
        }
    }
}
