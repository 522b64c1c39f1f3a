package dev.peerlink.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.server.PeerlinkServer;
import dev.peerlink.server.PeerlinkServerConfig;
import dev.peerlink.server.signal.SignalServerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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

/** The admin listener over real HTTP: routes, limits, the token rule, the event stream, a busy port. */
class AdminServerTest {
    static final String TOKEN = "test-admin-token-0123456789";
    static final InetAddress LO = InetAddress.getLoopbackAddress();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<PeerlinkServer> servers = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        servers.forEach(PeerlinkServer::close);
    }

    PeerlinkServer start(AdminConfig admin) throws Exception {
        PeerlinkServerConfig c = new PeerlinkServerConfig(new InetSocketAddress(LO, 0), Optional.empty(),
                Optional.of(new PeerlinkServerConfig.Relay(new InetSocketAddress(LO, 0), Optional.of(LO), "peerlink",
                        Optional.empty(), List.of())),
                Optional.of(SignalServerConfig.builder().listen(new InetSocketAddress(LO, 0)).dataDir(dir).mappingMonitor(null).build()),
                Optional.empty()).withAdmin(admin);
        PeerlinkServer s = PeerlinkServer.start(c);
        servers.add(s);
        return s;
    }

    HttpResponse<String> get(PeerlinkServer s, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + hostPort(s) + path)).timeout(Duration.ofSeconds(5));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String hostPort(PeerlinkServer s) {
        InetSocketAddress a = s.admin().orElseThrow();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    @Test
    void servesMetricsSummaryQosAndFilesOnLoopbackWithoutToken() throws Exception {
        PeerlinkServer s = start(AdminConfig.loopback(0));

        HttpResponse<String> metrics = get(s, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        java.nio.file.Files.writeString(Path.of("target", "admin-metrics-sample.txt"), metrics.body());
        assertThat(metrics.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(metrics.body()).contains("peerlink_stun_messages_total{class=\"request\"}", "peerlink_devices_online ",
                "peerlink_turn_allocations ", "jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads ",
                "process_uptime_seconds ", "system_cpu_count ", "jvm_classes_loaded_classes ");

        HttpResponse<String> summary = get(s, "/api/summary");
        assertThat(summary.statusCode()).isEqualTo(200);
        assertThat(summary.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode j = new ObjectMapper().readTree(summary.body());
        for (String key : List.of("serverTime", "uptimeSeconds", "devices", "nat", "connects", "paths", "setupMs", "relay",
                "mappings", "transfer", "sharing", "stun", "jvm")) {
            assertThat(j.has(key)).as(key).isTrue();
        }
        assertThat(j.path("devices").path("online").asInt(-1)).isZero();
        assertThat(j.path("nat").has("symmetric")).isTrue();
        assertThat(j.path("paths").has("relay")).isTrue();
        assertThat(j.path("jvm").path("heapUsedBytes").asLong()).isPositive();

        HttpResponse<String> qos = get(s, "/api/qos");
        assertThat(qos.statusCode()).isEqualTo(200);
        JsonNode fc = new ObjectMapper().readTree(qos.body());
        assertThat(fc.path("type").asText()).isEqualTo("FeatureCollection");
        assertThat(fc.path("features").isArray()).isTrue();

        HttpResponse<String> file = get(s, "/dashboard/admin-test-fixture.txt");
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).contains("fixture for the admin listener");
        assertThat(file.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");

        assertThat(get(s, "/nothing-here").statusCode()).isEqualTo(404);
        assertThat(get(s, "/dashboard/missing.js").statusCode()).isEqualTo(404);
        assertThat(get(s, "/dashboard/.hidden").statusCode()).isEqualTo(404);
        assertThat(get(s, "/dashboard/%2e%2e/admin-test-fixture.txt").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort(s) + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
    }

    @Test
    void refusesOversizedRequests() throws Exception {
        PeerlinkServer s = start(AdminConfig.loopback(0));
        assertThat(get(s, "/metrics?" + "a".repeat(3000)).statusCode()).isEqualTo(414);
        // a header block beyond the codec's limit: the server answers with an error and closes
        assertThat(rawStatus(s, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(10_000) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 4");
    }

    static String rawStatus(PeerlinkServer s, String request) throws IOException {
        try (Socket sock = new Socket(s.admin().get().getAddress(), s.admin().get().getPort())) {
            sock.setSoTimeout(5000);
            sock.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(sock.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void requiresTheTokenWhenTheRuleSaysSo() throws Exception {
        PeerlinkServer s = start(AdminConfig.loopback(0).withToken(TOKEN).withTokenRule(AdminConfig.TokenRule.ALWAYS));
        for (String path : List.of("/metrics", "/api/summary", "/api/qos", "/api/events", "/dashboard/admin-test-fixture.txt")) {
            HttpResponse<String> r = get(s, path);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"peerlink admin\"");
            assertThat(r.body()).doesNotContain(TOKEN);
        }
        assertThat(get(s, "/metrics", "Authorization", "Bearer wrong-token-0123456789").statusCode()).isEqualTo(401);
        assertThat(get(s, "/metrics", "Authorization", "Bearer " + TOKEN + "x").statusCode()).isEqualTo(401);
        assertThat(get(s, "/metrics", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(get(s, "/api/summary?token=" + TOKEN).statusCode()).isEqualTo(200);

        // a browser's first load: ?token= sets the cookie, which then carries the token
        HttpResponse<String> first = get(s, "/dashboard/admin-test-fixture.txt?token=" + TOKEN);
        assertThat(first.statusCode()).isEqualTo(200);
        String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie).startsWith("peerlink_admin=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertThat(get(s, "/api/summary", "Cookie", cookie).statusCode()).isEqualTo(200);
        assertThat(get(s, "/api/summary", "Cookie", "peerlink_admin=nope-nope-nope-nope").statusCode()).isEqualTo(401);
    }

    @Test
    void tokenRuleFollowsTheBoundAddress() {
        assertThat(AdminConfig.loopback(0).requiresToken()).isFalse();
        assertThat(new AdminConfig(new InetSocketAddress("127.0.0.2", 0), Optional.empty(), AdminConfig.TokenRule.UNLESS_LOOPBACK)
                .requiresToken()).isFalse();
        assertThat(new AdminConfig(new InetSocketAddress("0.0.0.0", 7070), Optional.empty(), AdminConfig.TokenRule.UNLESS_LOOPBACK)
                .requiresToken()).isTrue();
        assertThat(new AdminConfig(new InetSocketAddress("192.0.2.1", 7070), Optional.empty(), AdminConfig.TokenRule.UNLESS_LOOPBACK)
                .requiresToken()).isTrue();
        assertThat(AdminConfig.loopback(0).withTokenRule(AdminConfig.TokenRule.ALWAYS).requiresToken()).isTrue();
    }

    @Test
    void generatesAndKeepsTheTokenInTheDataDirectory() throws Exception {
        String t1 = AdminToken.resolve(Optional.empty(), null, Optional.of(dir));
        String t2 = AdminToken.resolve(Optional.empty(), null, Optional.of(dir));
        assertThat(t1).isEqualTo(t2).matches(AdminServer.TOKEN);
        assertThat(java.nio.file.Files.getPosixFilePermissions(dir.resolve(AdminToken.FILE)))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(AdminToken.resolve(Optional.empty(), "from-the-environment-123", Optional.of(dir))).isEqualTo("from-the-environment-123");
        assertThat(AdminToken.resolve(Optional.of(TOKEN), "from-the-environment-123", Optional.of(dir))).isEqualTo(TOKEN);
    }

    @Test
    void eventStreamSendsTheSummaryEverySecond() throws Exception {
        PeerlinkServer s = start(AdminConfig.loopback(0));
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort(s) + "/api/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
        List<Long> times = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            while (times.size() < 3) {
                String line = in.readLine();
                assertThat(line).isNotNull();
                if (line.startsWith("data: ")) {
                    JsonNode j = new ObjectMapper().readTree(line.substring(6));
                    assertThat(j.has("devices")).isTrue();
                    times.add(j.path("serverTime").asLong());
                }
            }
        }
        assertThat(times).isSorted();
        assertThat(times.get(2)).isGreaterThan(times.get(0)); // later summaries, not one repeated
    }

    @Test
    void aBusyAdminPortLeavesTheServerRunningWithoutIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, LO)) {
            PeerlinkServer s = start(AdminConfig.loopback(taken.getLocalPort()));
            assertThat(s.admin()).isEmpty();
            assertThat(s.signal()).isPresent();
            assertThat(s.meters().find("peerlink.devices.online").gauge()).isNotNull();
        }
    }

    @Test
    void anEventStreamEndsWhenTheServerCloses() throws Exception {
        PeerlinkServer s = start(AdminConfig.loopback(0));
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort(s) + "/api/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        servers.remove(s);
        s.close();
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            try (InputStream in = r.body()) {
                in.readAllBytes();
                return true;
            } catch (IOException e) {
                return true;
            }
        });
    }
}
