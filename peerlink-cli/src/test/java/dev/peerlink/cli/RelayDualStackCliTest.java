package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code peerlink relay --relay-ip6 --listen6}: a dual-stack relay from the command line. */
class RelayDualStackCliTest {
    @Test
    void relayIp6AndListen6GiveADualStackRelay() throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("::1", 0))) {
            s.getLocalPort();
        } catch (IOException e) {
            System.out.println("RelayDualStackCliTest skipped: no ::1 (" + e + ")");
            Assumptions.abort("no ::1");
        }
        try (CliProcess relay = CliProcess.start("relay", "--listen", "127.0.0.1:0", "--relay-ip6", "::1", "--listen6", "::1",
                "--realm", "r", "--secret", "s")) {
            String line = relay.await("^TURN relay on", Duration.ofSeconds(30));
            assertThat(line).contains("UDP /[0:0:0:0:0:0:0:1]:", "relaying from 127.0.0.1 and 0:0:0:0:0:0:0:1");
        }
    }

    @Test
    void relayIp6MustBeIpv6() {
        assertThat(CliRun.of("relay", "--listen", "127.0.0.1:0", "--realm", "r", "--secret", "s", "--relay-ip6", "127.0.0.2")
                .exit()).isEqualTo(2);
        assertThat(CliRun.of("relay", "--listen", "127.0.0.1:0", "--realm", "r", "--secret", "s", "--listen6", "127.0.0.2")
                .exit()).isEqualTo(2);
    }
}
