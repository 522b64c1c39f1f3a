package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.peer.Brokered;
import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.SignallingClient;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.server.PeerlinkServer;
import dev.peerlink.server.PeerlinkServerConfig;
import dev.peerlink.server.admin.AdminConfig;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.client.RetransmissionPolicy;
import dev.peerlink.stun.client.StunUdpClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real traffic against a server with its admin listener: STUN binding requests, two devices registering through the
 * peer SDK (each with a NAT type), brokered connects; then {@code /metrics} parsed strictly must count exactly that,
 * {@code /api/summary} must agree, and {@code peerlink status} must show it.
 */
class AdminMetricsTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();
    static final String TOKEN = "admin-metrics-test-token-42";
    static final int STUN_REQUESTS = 7;
    final HttpClient http = HttpClient.newHttpClient();
    final List<AutoCloseable> open = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    PeerlinkServer server(AdminConfig admin) throws Exception {
        PeerlinkServer s = PeerlinkServer.start(new PeerlinkServerConfig(new InetSocketAddress(LO, 0), Optional.empty(),
                Optional.of(new PeerlinkServerConfig.Relay(new InetSocketAddress(LO, 0), Optional.of(LO), "peerlink",
                        Optional.empty(), List.of())),
                Optional.of(SignalServerConfig.builder().listen(new InetSocketAddress(LO, 0)).dataDir(dir).build()),
                Optional.empty()).withAdmin(admin));
        open.add(s);
        return s;
    }

    SignallingClient device(PeerlinkServer s, String id, String nat) throws Exception {
        NetworkInfo net = new NetworkInfo(List.of(), null, new NetworkInfo.Nat(nat, null, null, null, null, null), null, List.of());
        SignallingClient c = SignallingClient.builder().server(URI.create(s.signal().orElseThrow().url()))
                .identity(DeviceIdentity.ephemeral(DeviceId.of(id))).network(net).build();
        open.add(c);
        c.start().get(10, TimeUnit.SECONDS);
        return c;
    }

    static String admin(PeerlinkServer s) {
        InetSocketAddress a = s.admin().orElseThrow();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    String get(PeerlinkServer s, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + admin(s) + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    @Test
    void metricsCountTheTrafficAndStatusShowsIt() throws Exception {
        PeerlinkServer s = server(AdminConfig.loopback(0));
        try (StunUdpClient stun = StunUdpClient.bind(new InetSocketAddress(LO, 0), RetransmissionPolicy.RFC_8489)) {
            for (int i = 0; i < STUN_REQUESTS; i++) {
                stun.send(StunMessage.request(StunMethod.BINDING).build(), s.stun().udpAddresses().get(0)).get(5, TimeUnit.SECONDS);
            }
        }
        SignallingClient alice = device(s, "alice-metrics", "full-cone");
        SignallingClient bob = device(s, "bob-metrics", "symmetric");
        bob.onIncoming(req -> req.accept(JsonBlob.EMPTY));
        Brokered ok = alice.connect(Identity.device(DeviceId.of("bob-metrics")), JsonBlob.EMPTY).get(10, TimeUnit.SECONDS);
        assertThat(ok.accepted()).isTrue();
        // a target nobody registered: the broker refuses it (failed)
        assertThat(alice.connect(Identity.device(DeviceId.of("nobody-here")), JsonBlob.EMPTY))
                .failsWithin(10, TimeUnit.SECONDS);

        PrometheusText m = PrometheusText.parse(get(s, "/metrics"));
        assertThat(m.value("peerlink_stun_messages_total", "class", "request")).isGreaterThanOrEqualTo(STUN_REQUESTS);
        assertThat(m.value("peerlink_stun_responses_total")).isGreaterThanOrEqualTo(STUN_REQUESTS);
        assertThat(m.value("peerlink_devices_online")).isEqualTo(2);
        assertThat(m.value("peerlink_devices_registered")).isEqualTo(2);
        assertThat(m.value("peerlink_devices_nat", "type", "full-cone")).isEqualTo(1);
        assertThat(m.value("peerlink_devices_nat", "type", "symmetric")).isEqualTo(1);
        assertThat(m.value("peerlink_devices_nat", "type", "unknown")).isZero();
        assertThat(m.value("peerlink_signal_registrations_total", "outcome", "ok")).isEqualTo(2);
        assertThat(m.value("peerlink_signal_connect_requests_total")).isEqualTo(2);
        assertThat(m.value("peerlink_signal_connects_total", "outcome", "accepted")).isEqualTo(1);
        assertThat(m.value("peerlink_signal_connects_total", "outcome", "failed")).isEqualTo(1);
        assertThat(m.value("peerlink_signal_connects_total", "outcome", "rejected")).isZero();
        assertThat(m.value("peerlink_mappings", "state", "healthy")).isZero();
        assertThat(m.value("peerlink_mapping_repair_seconds_count")).isZero();
        assertThat(m.types).containsEntry("peerlink_mapping_repair_seconds", "histogram")
                .containsEntry("peerlink_signal_connects_total", "counter").containsEntry("peerlink_devices_online", "gauge");
        assertThat(m.value("jvm_memory_used_bytes", "area", "heap", "id", m.series("jvm_memory_used_bytes").stream()
                .filter(e -> "heap".equals(e.getKey().labels().get("area"))).findFirst().orElseThrow().getKey().labels().get("id")))
                .isPositive();
        // no device id anywhere in the exposition
        assertThat(m.samples.keySet()).noneMatch(k -> k.labels().values().stream().anyMatch(v -> v.contains("metrics")));

        JsonNode j = new ObjectMapper().readTree(get(s, "/api/summary"));
        assertThat(j.path("devices").path("online").asInt()).isEqualTo(2);
        assertThat(j.path("nat").path("full-cone").asInt()).isEqualTo(1);
        assertThat(j.path("nat").path("symmetric").asInt()).isEqualTo(1);
        assertThat(j.path("connects").path("requested").asInt()).isEqualTo(2);
        assertThat(j.path("connects").path("accepted").asInt()).isEqualTo(1);
        assertThat(j.path("connects").path("failed").asInt()).isEqualTo(1);
        assertThat(j.path("stun").path("requests").asLong())
                .isEqualTo((long) PrometheusText.parse(get(s, "/metrics")).value("peerlink_stun_messages_total", "class", "request"));

        Run human = Run.of("status", "--admin", admin(s));
        assertThat(human.exit()).isZero();
        assertThat(human.out()).contains("2 online, 2 registered", "full-cone 1", "symmetric 1",
                "2 requested: 1 accepted, 0 rejected, 1 failed");
        Run json = Run.of("status", "--admin", admin(s), "--json");
        assertThat(json.exit()).isZero();
        assertThat(new ObjectMapper().readTree(json.out()).path("devices").path("online").asInt()).isEqualTo(2);

        alice.close();
        await().atMost(10, TimeUnit.SECONDS).until(() ->
                PrometheusText.parse(get(s, "/metrics")).value("peerlink_devices_online") == 1);
    }

    @Test
    void statusNeedsTheTokenWhereTheListenerAsksForIt() throws Exception {
        PeerlinkServer s = server(new AdminConfig(new InetSocketAddress(LO, 0), Optional.of(TOKEN), AdminConfig.TokenRule.ALWAYS));
        Run refused = Run.of("status", "--admin", admin(s));
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("needs --token").doesNotContain("Exception");
        Run wrong = Run.of("status", "--admin", admin(s), "--token", "not-the-token-at-all");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("refused the token");
        Run ok = Run.of("status", "--admin", admin(s), "--token", TOKEN);
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).contains("0 online");
        HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create("http://" + admin(s) + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(401);
    }

    @Test
    void statusSaysWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, LO)) {
            port = free.getLocalPort();
        }
        Run r = Run.of("status", "--admin", "127.0.0.1:" + port, "--timeout", "2");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("cannot reach the admin listener at 127.0.0.1:" + port);
        assertThat(Run.of("status", "--admin", "no port").exit()).isNotZero();
    }

    /** The CLI in-process with stdout and stderr captured (System.out/err are global: one at a time). */
    record Run(int exit, String out, String err) {
        static synchronized Run of(String... args) {
            PrintStream oldOut = System.out, oldErr = System.err;
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                int exit = Main.run(args);
                return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
        }
    }
}
