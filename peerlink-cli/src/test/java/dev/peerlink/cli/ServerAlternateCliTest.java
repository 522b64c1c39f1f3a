package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.client.TurnClient;
import dev.peerlink.turn.server.TurnServer;
import dev.peerlink.turn.server.TurnServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peerlink server --alternate-server}: the embedded relay sheds new allocations to another instance. */
class ServerAlternateCliTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();
    static final String SECRET = "shared-relay-secret";

    @TempDir
    Path dir;

    @Test
    void aDrainingServerSendsNewAllocationsToTheOtherInstance() throws Exception {
        try (TurnServer other = TurnServer.start(TurnServerConfig.builder().listen(new InetSocketAddress(LO, 0)).relayIp(LO)
                .realm("peerlink").secret(SECRET).build());
             CliProcess server = CliProcess.start("server", "--no-signal", "--admin", "off", "--data", dir.toString(),
                     "--stun", "127.0.0.1:0", "--relay", "127.0.0.1:0", "--secret", SECRET,
                     "--alternate-server", "localhost:" + other.udpAddress().getPort())) {
            Matcher m = Pattern.compile("TURN relay on UDP /127\\.0\\.0\\.1:(\\d+)")
                    .matcher(server.await("TURN relay on UDP", Duration.ofSeconds(30)));
            assertThat(m.find()).as(server.output()).isTrue();
            InetSocketAddress relay = new InetSocketAddress(LO, Integer.parseInt(m.group(1)));

            try (TurnClient c = TurnClient.builder(relay, TurnCredentials.mint(SECRET, "alice", Duration.ofHours(1)))
                    .localAddress(new InetSocketAddress(LO, 0)).connect()) {
                c.allocate(); // answered 300 Try Alternate; the client follows it

                assertThat(c.server()).isEqualTo(other.udpAddress());
                assertThat(other.stats().allocationsActive()).isEqualTo(1);
            }
        }
    }
}
