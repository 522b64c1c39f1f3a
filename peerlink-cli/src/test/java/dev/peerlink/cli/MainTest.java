package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.stun.server.StunServer;
import dev.peerlink.stun.server.StunServerConfig;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"map", "map list", "map delete"})
    void mapCommandsHaveHelp(String command) {
        String[] args = (command + " --help").split(" ");
        CliRun r = run(args);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Usage: peerlink " + command);
    }

    @Test
    void serverHelpListsTheSignallingOptions() {
        CliRun r = run("server", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--listen=IP:PORT", "0.0.0.0:7000", "--stun=IP:PORT", "--stun-alternate=IP:PORT",
                "--relay=IP:PORT", "--data=DIR", "--enroll-token=T", "--tls-cert=FILE", "--tls-key=FILE", "/v1/signal");
    }

    @Test
    void serverTlsOptionsGoTogether() {
        assertThat(run("server", "--tls-cert", "/nonexistent.pem", "--stun", "127.0.0.1:0", "--no-relay").exit()).isEqualTo(2);
    }

    @Test
    void mapWithoutPortIsAUsageError() {
        assertThat(run("map").exit()).isEqualTo(2);
    }

    @Test
    void helpListsEveryCommand() {
        CliRun r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("server", "stun-server", "nat", "relay", "map", "pair", "peer", "connect");
    }

    @ParameterizedTest
    @ValueSource(strings = {"server", "stun-server", "nat", "relay", "map", "pair", "peer", "connect"})
    void everyCommandHasHelp(String command) {
        CliRun r = run(command, "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage:").contains(command);
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        assertThat(run("nat").exit()).isEqualTo(2);
        assertThat(run("relay", "--listen", "127.0.0.1:0").exit()).as("no realm").isEqualTo(2);
    }

    @Test
    void relayRefusesToRunAsAnOpenRelay() {
        assertThat(run("relay", "--listen", "127.0.0.1:0", "--realm", "r").exit()).isEqualTo(2);
        assertThat(run("relay", "--listen", "0.0.0.0:0", "--realm", "r", "--secret", "s").exit()).as("wildcard without --relay-ip").isEqualTo(2);
        assertThat(run("relay", "--listen", "127.0.0.1:0", "--realm", "r", "--secret", "s", "--allow-peer", "nonsense").exit()).isEqualTo(2);
    }

    @Test
    void natJsonHasTheDocumentedFields() throws Exception {
        try (StunServer server = StunServer.start(StunServerConfig.builder()
                .primary(new InetSocketAddress("127.0.0.1", 0)).tcp(false).build())) {
            InetSocketAddress a = server.udpAddresses().get(0);
            CliRun r = run("nat", "--json", "--server", "127.0.0.1:" + a.getPort(), "--rto", "100", "--rc", "3", "--rm", "2");
            assertThat(r.exit()).isZero();
            JsonNode json = new ObjectMapper().readTree(r.out());
            assertThat(json.get("publicAddress").asText()).startsWith("127.0.0.1:");
            assertThat(json.has("mapping")).isTrue();
            assertThat(json.has("filtering")).isTrue();
            assertThat(json.has("type")).isTrue();
            assertThat(json.has("hairpinning")).isTrue();
            assertThat(json.get("portAllocation").get("pattern").asText()).isEqualTo("preserving");
            // No alternate address: the server lacks RFC 5780, so the result is partial and says so.
            assertThat(json.get("partial").asBoolean()).isTrue();
            assertThat(json.get("type").isNull()).isTrue();
        }
    }

    @Test
    void socketAddressConverterAcceptsIpv4Ipv6AndDefaultPort() {
        SocketAddressConverter c = new SocketAddressConverter(3478);
        assertThat(c.convert("192.0.2.1:5000")).isEqualTo(new InetSocketAddress("192.0.2.1", 5000));
        assertThat(c.convert("192.0.2.1")).isEqualTo(new InetSocketAddress("192.0.2.1", 3478));
        assertThat(c.convert("[::1]:7")).isEqualTo(new InetSocketAddress("::1", 7));
        assertThat(c.convert("::1")).isEqualTo(new InetSocketAddress("::1", 3478));
    }

    @Test
    void peerMapOptionIsDocumentedAndABadSpecIsAUsageError() {
        assertThat(run("peer", "--help").out()).contains("--map", "--map-protocol", "\"event\":\"mapping\"");
        CliRun r = run("peer", "--id", "nas-1", "--server", "127.0.0.1:1", "--map", "sctp:7001");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(run("peer", "--id", "nas-1", "--server", "127.0.0.1:1", "--map", "udp:70000").exit()).isEqualTo(2);
        assertThat(PeerMappings.Spec.parse("tcp:7001")).isEqualTo(new PeerMappings.Spec(dev.peerlink.portmap.Transport.TCP, 7001));
        assertThat(PeerMappings.Spec.parse("7001").transport()).isEqualTo(dev.peerlink.portmap.Transport.UDP);
    }

    @Test
    void proxyOptionIsDocumentedAndAMalformedProxyIsAUsageErrorNotADirectConnection() {
        assertThat(run("connect", "--help").out()).contains("--proxy", "HTTPS_PROXY");
        assertThat(run("send", "--help").out()).contains("--proxy");
        CliRun r = run("connect", "pc", "--id", "phone", "--server", "127.0.0.1:1", "--proxy", "socks5://127.0.0.1:1080");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("only http://");
    }
}
