package dev.peerlink.it;

import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.ServerHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs the real CLI on the test bed: {@code peerlink server} on the server host, {@code peerlink peer --echo} on
 * device hosts, and {@code peerlink connect} with a file piped through, as a user would.
 */
final class LadderBed implements AutoCloseable {
    static final Duration STEP = Duration.ofSeconds(60);
    static final Pattern CONNECTED = Pattern.compile("\\{\"event\":\"connected\",\"path\":\"([a-z]+)\",\"setupMs\":(\\d+)}");

    final NatTestBed bed;
    final Path dir;
    final List<AutoCloseable> running = new ArrayList<>();
    final Map<String, HostProcess> peers = new ConcurrentHashMap<>();
    HostProcess server;

    LadderBed(NatTestBed bed, Path dir) {
        this.bed = bed;
        this.dir = dir;
    }

    String serverAddress() {
        return bed.server().primaryAddress().getHostAddress() + ":7000";
    }

    HostProcess startServer(String... extra) {
        return startServerListening(bed.server().primaryAddress().getHostAddress() + ":7000", extra);
    }

    /** As {@link #startServer} with signalling on {@code listen} (e.g. {@code [::]:7000} for IPv6 clients as well). */
    HostProcess startServerListening(String listen, String... extra) {
        ServerHost s = bed.server();
        String ip = s.primaryAddress().getHostAddress();
        List<String> args = new ArrayList<>(List.of("server", "--listen", listen, "--stun", ip + ":3478",
                "--stun-alternate", s.alternateAddress().getHostAddress() + ":3479", "--relay", ip + ":3480",
                "--data", dir.resolve("server-data").toString()));
        args.addAll(List.of(extra));
        server = s.start(s.javaCommand("dev.peerlink.cli.Main", args.toArray(String[]::new)));
        server.awaitOutput(Pattern.compile("signalling on"), STEP);
        return server;
    }

    void stopServer() {
        if (server != null) {
            server.close();
            running.remove(server);
        }
    }

    /** Starts {@code peer --echo} as {@code id} on {@code host} and waits until it is registered and knows its NAT. */
    HostProcess startPeer(Host host, String id, String... extra) {
        return startPeerOn(serverAddress(), host, id, extra);
    }

    /** As {@link #startPeer} on the server at {@code server} (one instance of a cluster). */
    HostProcess startPeerOn(String server, Host host, String id, String... extra) {
        List<String> args = new ArrayList<>(List.of("peer", "--id", id, "--server", server, "--home",
                dir.resolve("home-" + id).toString(), "--echo"));
        args.addAll(List.of(extra));
        HostProcess p = host.start(host.javaCommand("dev.peerlink.cli.Main", args.toArray(String[]::new)));
        running.add(p);
        peers.put(id, p);
        p.awaitOutput(Pattern.compile("\\{\"event\":\"ready\""), STEP);
        return p;
    }

    /** A file of {@code size} seeded random bytes. */
    Path payload(int size, long seed) throws IOException {
        Path f = dir.resolve("payload-" + size + "-" + seed);
        if (!Files.exists(f)) {
            byte[] b = new byte[size];
            new Random(seed).nextBytes(b);
            Files.write(f, b);
        }
        return f;
    }

    /** One {@code connect} run: its exit code, the path and setup time it reported, whether the echo came back intact. */
    record Outcome(int exit, String path, long setupMs, boolean intact, String output) {}

    /** Runs {@code connect target} on {@code host} with {@code input} on stdin; the echo goes to a file and is compared. */
    Outcome connect(Host host, String asId, String target, Path input, Duration timeout, String... extra) throws Exception {
        return connectVia(serverAddress(), host, asId, target, input, timeout, extra);
    }

    /** As {@link #connect} through the server at {@code server} (one instance of a cluster). */
    Outcome connectVia(String server, Host host, String asId, String target, Path input, Duration timeout, String... extra)
            throws Exception {
        Path out = dir.resolve("out-" + asId + "-" + target);
        List<String> args = new ArrayList<>(List.of("connect", target, "--id", asId, "--server", server,
                "--home", dir.resolve("home-" + asId).toString()));
        args.addAll(List.of(extra));
        List<String> java = host.javaCommand("dev.peerlink.cli.Main", args.toArray(String[]::new));
        String cmd = "exec " + java.stream().map(LadderBed::quote).collect(Collectors.joining(" "))
                + " < " + quote(input.toString()) + " > " + quote(out.toString());
        try (HostProcess p = host.start("sh", "-c", cmd)) {
            int exit = p.awaitExit(timeout);
            String err = String.join("\n", p.stderrLines());
            Matcher m = CONNECTED.matcher(err);
            boolean found = m.find();
            boolean intact = exit == 0 && Files.exists(out) && Files.size(out) == Files.size(input)
                    && MessageDigest.isEqual(sha(out), sha(input));
            return new Outcome(exit, found ? m.group(1) : null, found ? Long.parseLong(m.group(2)) : -1, intact,
                    p.describeOutput());
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Starts {@code connect target} on {@code host} with stdin from the test (see {@link HostProcess#stdin()}) and stdout to {@code out}. */
    HostProcess startConnect(Host host, String asId, String target, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("connect", target, "--id", asId, "--server", serverAddress(),
                "--home", dir.resolve("home-" + asId).toString()));
        args.addAll(List.of(extra));
        List<String> java = host.javaCommand("dev.peerlink.cli.Main", args.toArray(String[]::new));
        String cmd = "exec " + java.stream().map(LadderBed::quote).collect(Collectors.joining(" ")) + " > " + quote(out.toString());
        HostProcess p = host.start("sh", "-c", cmd);
        running.add(p);
        return p;
    }

    static byte[] sha(Path f) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        }
        return d.digest();
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    static long percentile(List<Long> values, double p) {
        List<Long> v = values.stream().sorted().toList();
        if (v.isEmpty()) {
            return -1;
        }
        return v.get(Math.min(v.size() - 1, (int) Math.ceil(p * v.size()) - 1 < 0 ? 0 : (int) Math.ceil(p * v.size()) - 1));
    }

    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        if (server != null) {
            server.close();
        }
    }
}
