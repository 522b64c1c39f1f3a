package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.testkit.netns.Coturn;
import dev.peerlink.testkit.netns.ExecResult;
import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.ServerHost;
import dev.peerlink.testkit.netns.TestBedAssumptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our {@code peerlink nat --json}, run inside every host of the real-NAT test bed against our own
 * STUN server, labels each host as its router is built — and agrees with coturn's
 * {@code turnutils_natdiscovery} on the same host.
 */
@Tag("system")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NatDiscoveryOnTestBedTest {
    private static final int OUR_PORT = 3490;
    private static final int OUR_ALT_PORT = 3491;
    private static final ObjectMapper JSON = new ObjectMapper();

    private NatTestBed bed;
    private final List<AutoCloseable> running = new ArrayList<>();

    @BeforeAll
    void startBed() {
        TestBedAssumptions.assumeCoturn();
        bed = NatTestBed.start();
        ServerHost server = bed.server();
        HostProcess ours = server.start(server.javaCommand("dev.peerlink.cli.Main", "stun-server",
                "--primary", server.primaryAddress().getHostAddress() + ":" + OUR_PORT,
                "--alternate", server.alternateAddress().getHostAddress() + ":" + OUR_ALT_PORT));
        running.add(ours);
        ours.awaitOutput(Pattern.compile("STUN server on"), Duration.ofSeconds(60));
        running.add(Coturn.startStunServer(server));
    }

    @AfterAll
    void stopBed() throws Exception {
        for (AutoCloseable c : running) {
            c.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    private JsonNode nat(Host host, int port) throws Exception {
        List<String> cmd = host.javaCommand("dev.peerlink.cli.Main", "nat", "--json",
                "--server", bed.server().primaryAddress().getHostAddress() + ":" + port,
                "--rto", "200", "--min-rto", "50", "--rc", "4", "--rm", "4");
        ExecResult r = host.exec(Duration.ofSeconds(90), cmd.toArray(String[]::new));
        assertThat(r.exitCode()).as("peerlink nat in %s:\n%s\n%s", host, r.stdout(), r.stderr()).isZero();
        return JSON.readTree(r.stdout());
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @ParameterizedTest
    @EnumSource(NatType.class)
    void labelsEachNatRouterAsBuilt(NatType type) throws Exception {
        JsonNode r = nat(bed.client(type), OUR_PORT);
        // Our classifier has one symmetric label; the bed's two symmetric types differ only in port allocation.
        String expectedType = type.mapping() == Coturn.Mapping.ENDPOINT_INDEPENDENT ? label(type) : "symmetric";
        assertThat(r.get("type").asText()).as("%s", r).isEqualTo(expectedType);
        assertThat(r.get("mapping").asText()).as("%s", r).isEqualTo(label(type.mapping()));
        assertThat(r.get("filtering").asText()).as("%s", r).isEqualTo(label(type.filtering()));
        assertThat(r.get("publicAddress").asText()).startsWith(bed.router(type).wanAddress().getHostAddress() + ":");
        assertThat(r.get("behindNat").asBoolean()).isTrue();
        assertThat(r.get("hairpinning").asBoolean()).as("%s", r).isEqualTo(type.hairpinning());
        assertThat(r.get("partial").asBoolean()).isFalse();
        String allocation = r.get("portAllocation").get("pattern").asText();
        assertThat(allocation).as("port allocation of %s: %s", type, r).isEqualTo(label(type.portAllocation()));
        if (type.portAllocation() == NatType.PortAllocation.SEQUENTIAL) {
            assertThat(r.get("portAllocation").get("delta").asInt()).as("%s", r)
                    .isEqualTo(bed.router(type).portDelta().getAsInt());
        }
    }

    @ParameterizedTest
    @EnumSource(NatType.class)
    void agreesWithCoturnsNatdiscoveryOnTheSameHost(NatType type) throws Exception {
        Host client = bed.client(type);
        JsonNode ours = nat(client, Coturn.STUN_PORT); // our client against coturn's server
        Coturn.Discovery<Coturn.Mapping> mapping = Coturn.discoverMapping(client, bed.server().primaryAddress());
        Coturn.Discovery<Coturn.Filtering> filtering = Coturn.discoverFiltering(client, bed.server().primaryAddress());
        assertThat(mapping.verdict()).as(mapping.output()).isPresent();
        assertThat(filtering.verdict()).as(filtering.output()).isPresent();
        assertThat(ours.get("mapping").asText()).as("ours %s vs coturn:\n%s", ours, mapping.output())
                .isEqualTo(label(mapping.verdict().get()));
        assertThat(ours.get("filtering").asText()).as("ours %s vs coturn:\n%s", ours, filtering.output())
                .isEqualTo(label(filtering.verdict().get()));
    }

    @Test
    void secondClientOnTheSameLanGetsTheSameLabel() throws Exception {
        JsonNode r = nat(bed.secondClient(), OUR_PORT);
        assertThat(r.get("type").asText()).isEqualTo("port-restricted-cone");
    }

    @Test
    void openHostIsOpenInternet() throws Exception {
        JsonNode r = nat(bed.openHost(), OUR_PORT);
        assertThat(r.get("type").asText()).as("%s", r).isEqualTo("open-internet");
        assertThat(r.get("behindNat").asBoolean()).isFalse();
        assertThat(r.get("publicAddress").asText()).startsWith(bed.openHost().address().getHostAddress() + ":");
    }

    @Test
    void firewalledHostIsSymmetricUdpFirewall() throws Exception {
        JsonNode r = nat(bed.firewalledHost(), OUR_PORT);
        assertThat(r.get("type").asText()).as("%s", r).isEqualTo("symmetric-udp-firewall");
        assertThat(r.get("behindNat").asBoolean()).isFalse();
        assertThat(r.get("filtering").asText()).isEqualTo("address-and-port-dependent");
    }

    @Test
    void hostWhoseRouterDropsEverythingIsUdpBlocked() throws Exception {
        bed.router(NatType.SYMMETRIC).breakLink();
        try {
            JsonNode r = nat(bed.client(NatType.SYMMETRIC), OUR_PORT);
            assertThat(r.get("type").asText()).as("%s", r).isEqualTo("udp-blocked");
            assertThat(r.get("publicAddress").isNull()).isTrue();
        } finally {
            bed.router(NatType.SYMMETRIC).restoreLink();
        }
        assertThat(nat(bed.client(NatType.SYMMETRIC), OUR_PORT).get("type").asText()).isEqualTo("symmetric");
    }

    @Test
    void bindingLifetimeEstimateBracketsTheRoutersUdpTimeout() throws Exception {
        // Shorten this router's conntrack UDP timeouts to 8 s so the estimate takes seconds, not minutes.
        var router = bed.router(NatType.PORT_RESTRICTED_CONE);
        String[] keys = {"net.netfilter.nf_conntrack_udp_timeout", "net.netfilter.nf_conntrack_udp_timeout_stream"};
        List<String> saved = new ArrayList<>();
        for (String k : keys) {
            saved.add(router.exec(Duration.ofSeconds(10), "sysctl", "-n", k).orThrow().stdout().trim());
            router.exec(Duration.ofSeconds(10), "sysctl", "-w", k + "=8").orThrow();
        }
        try {
            Host client = bed.client(NatType.PORT_RESTRICTED_CONE);
            List<String> cmd = client.javaCommand("dev.peerlink.cli.Main", "nat", "--json", "--lifetime", "10",
                    "--server", bed.server().primaryAddress().getHostAddress() + ":" + OUR_PORT,
                    "--rto", "200", "--min-rto", "50", "--rc", "4", "--rm", "4");
            ExecResult r = client.exec(Duration.ofSeconds(90), cmd.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            JsonNode lifetime = JSON.readTree(r.stdout()).get("bindingLifetime");
            assertThat(lifetime.get("atLeastSeconds").asInt()).as("%s", lifetime).isEqualTo(5);
            assertThat(lifetime.get("belowSeconds").asInt()).as("%s", lifetime).isEqualTo(10);
        } finally {
            for (int i = 0; i < keys.length; i++) {
                router.exec(Duration.ofSeconds(10), "sysctl", "-w", keys[i] + "=" + saved.get(i));
            }
        }
    }
}
