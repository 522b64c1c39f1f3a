package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.client.TurnAllocation;
import dev.peerlink.turn.client.TurnClient;
import dev.peerlink.turn.client.TurnTls;
import dev.peerlink.turn.client.TurnTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code peerlink relay --turn-dtls-port}: TURN over DTLS from the command line, allocated through by our client. */
class RelayDtlsCliTest {
    @Test
    void turnDtlsPortServesTurnOverDtls() throws Exception {
        try (CliProcess relay = CliProcess.start("relay", "--listen", "127.0.0.1:0", "--turn-dtls-port", "0",
                "--realm", "r", "--secret", "s")) {
            String line = relay.await("^TURN relay on", Duration.ofSeconds(30));
            Matcher m = Pattern.compile("DTLS /127\\.0\\.0\\.1:(\\d+)").matcher(line);
            assertThat(m.find()).as(line).isTrue();
            InetSocketAddress dtls = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)));
            try (TurnClient c = TurnClient.builder(dtls, TurnCredentials.mint("s", "cli", Duration.ofMinutes(5)))
                    .transport(TurnTransport.DTLS).dtls(TurnTls.anyCertificateDtls())
                    .localAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).connect()) {
                TurnAllocation a = c.allocate();
                assertThat(a.relayedAddress().getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
                assertThat(a.mappedAddress()).isEqualTo(c.localAddress());
            }
        }
    }
}
