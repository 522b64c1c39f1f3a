package dev.peerlink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows one server's figures: devices, NAT mix, connection paths, relay share, port mappings,",
                "transfer deduplication and sharing (from its admin listener's /api/summary)."})
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7070",
            description = "The server's admin listener (default: ${DEFAULT-VALUE}).")
    String admin;

    @Option(names = "--token", paramLabel = "T",
            description = "Admin token, needed when the listener is not on loopback (default: $PEERLINK_ADMIN_TOKEN).")
    String token;

    @Option(names = "--json", description = "Print the summary as JSON, as the server sent it.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        URI uri = summaryUri(admin);
        String t = token != null ? token : System.getenv("PEERLINK_ADMIN_TOKEN");
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(Math.max(1, timeoutSeconds)));
        if (t != null && !t.isBlank()) {
            req.header("Authorization", "Bearer " + t.strip());
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(Math.max(1, timeoutSeconds))).build();
        HttpResponse<String> r;
        try {
            r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            return fail("cannot reach the admin listener at " + admin + " (is the server running, with --admin there?)");
        } catch (HttpTimeoutException e) {
            return fail("the admin listener at " + admin + " did not answer within " + timeoutSeconds + " s");
        } catch (IOException e) {
            return fail("cannot talk to the admin listener at " + admin + ": " + e.getMessage());
        }
        if (r.statusCode() == 401) {
            return fail(t == null || t.isBlank()
                    ? "the admin listener at " + admin + " needs --token (or $PEERLINK_ADMIN_TOKEN); the server keeps it in DATA/admin.token"
                    : "the admin listener at " + admin + " refused the token");
        }
        if (r.statusCode() != 200) {
            return fail("the admin listener at " + admin + " answered HTTP " + r.statusCode());
        }
        JsonNode summary;
        try {
            summary = new ObjectMapper().readTree(r.body());
        } catch (IOException e) {
            return fail(admin + " did not answer with a peerlink summary (is it the admin listener?)");
        }
        if (json) {
            spec.commandLine().getOut().println(r.body());
        } else {
            spec.commandLine().getOut().print(StatusTable.render(summary));
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    private int fail(String message) {
        spec.commandLine().getErr().println("peerlink status: " + message);
        return 1;
    }

    /** {@code HOST:PORT} or an http:// URL to the listener. */
    static URI summaryUri(String admin) {
        String base = admin.startsWith("http://") || admin.startsWith("https://") ? admin : "http://" + admin;
        URI u;
        try {
            u = URI.create(base);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--admin takes HOST:PORT, got " + admin);
        }
        if (u.getHost() == null || u.getPort() < 0) {
            throw new IllegalArgumentException("--admin takes HOST:PORT, got " + admin);
        }
        return u.resolve("/api/summary");
    }
}
