package dev.peerlink.testkit.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real, throw-away PostgreSQL server for one test class: {@code @RegisterExtension static EmbeddedPostgres PG = …}.
 * Before the class it initdb's a cluster in a temp dir (trust auth, C locale, fsync off), starts {@code postgres} on a
 * free 127.0.0.1 port and waits until it accepts connections; after the class it stops the server and deletes the
 * cluster. PostgreSQL refuses to run as root, so as root the binaries run as the {@code postgres} (or {@code nobody})
 * user via {@code runuser}. When the binaries are missing or the server cannot start, every test is skipped with the
 * reason (printed too) rather than passed.
 */
public final class EmbeddedPostgres implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    public static final String SUPERUSER = "peerlink";
    private static final Duration START_DEADLINE = Duration.ofSeconds(60);

    private final AtomicInteger databases = new AtomicInteger();
    private Path root;
    private Path bin;
    private List<String> runAs = List.of();
    private Process server;
    private int port;
    private String unavailable;

    @Override
    public void beforeAll(ExtensionContext context) {
        try {
            start();
        } catch (Exception e) {
            unavailable = "PostgreSQL tests skipped: " + e.getMessage();
            System.out.println(unavailable);
            stop();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Assumptions.assumeTrue(unavailable == null, () -> unavailable);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** A fresh, empty database; its JDBC URL (user {@link #SUPERUSER}, no password). */
    public String createDatabase() throws SQLException {
        String name = "peerlink_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), SUPERUSER, null); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private void start() throws Exception {
        bin = findBinaries();
        root = Files.createTempDirectory("peerlink-pg-");
        if (isRoot()) {
            runAs = unprivilegedUser();
        }
        Path data = root.resolve("data");
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER, "--auth=trust",
                "-E", "UTF8", "--locale=C", "--no-sync"), root.resolve("initdb.log"));
        for (int attempt = 1; ; attempt++) {
            port = FixtureFiles.freeLoopbackPort();
            try {
                launch();
                return;
            } catch (IOException e) {
                // the free port may have been taken between our probe and postgres binding it
                if (attempt == 3 || server.isAlive() || !FixtureFiles.tail(root.resolve("postgres.log")).contains("could not bind")) {
                    throw e;
                }
            }
        }
    }

    private void launch() throws Exception {
        Path log = root.resolve("postgres.log");
        server = new ProcessBuilder(command(List.of(bin.resolve("postgres").toString(), "-D", root.resolve("data").toString(),
                "-p", Integer.toString(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + root,
                "-c", "fsync=off", "-c", "full_page_writes=off")))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        awaitReady(log);
    }

    /** Stops the server but keeps its data, so a test can see how clients behave while PostgreSQL is unavailable. */
    public void stopServer() {
        if (server != null) {
            stopProcess();
        }
    }

    /** Starts the server stopped by {@link #stopServer()} again on the same port with the same data. */
    public void restartServer() throws Exception {
        if (server == null) {
            launch();
        }
    }

    /** The port the server listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** The newest /usr/lib/postgresql/N/bin (Debian's layout; -Dpeerlink.postgresql.home moves it) with initdb and postgres. */
    private static Path findBinaries() throws IOException {
        Path base = Path.of(System.getProperty("peerlink.postgresql.home", "/usr/lib/postgresql"));
        if (!Files.isDirectory(base)) {
            throw new IOException("no PostgreSQL binaries in " + base + " (install the postgresql package)");
        }
        try (Stream<Path> versions = Files.list(base)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("postgres")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent())))
                    .orElseThrow(() -> new IOException("no initdb/postgres under " + base + "/*/bin"));
        }
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean isRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    /** runuser to postgres or nobody, who must own the cluster directory. */
    private List<String> unprivilegedUser() throws IOException {
        Path runuser = Stream.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser").map(Path::of)
                .filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IOException("running as root and no runuser to drop privileges (postgres refuses root)"));
        UserPrincipalLookupService users = root.getFileSystem().getUserPrincipalLookupService();
        for (String user : List.of("postgres", "nobody")) {
            try {
                Files.setOwner(root, users.lookupPrincipalByName(user));
                return List.of(runuser.toString(), "-u", user, "--");
            } catch (IOException noSuchUser) {
                // try the next one
            }
        }
        throw new IOException("running as root and neither a postgres nor a nobody user exists");
    }

    private List<String> command(List<String> args) {
        List<String> out = new ArrayList<>(runAs);
        out.addAll(args);
        return out;
    }

    private void run(List<String> args, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(args.get(0) + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(Path.of(args.get(0)).getFileName() + " failed (exit " + p.exitValue() + "): " + FixtureFiles.tail(log));
        }
    }


    /** Polls a connection until the server answers, it exits, or the deadline passes. */
    private void awaitReady(Path log) throws Exception {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException("postgres exited (" + server.exitValue() + "): " + FixtureFiles.tail(log));
            }
            try (Connection c = DriverManager.getConnection(url("postgres"), SUPERUSER, null)) {
                if (c.isValid(5)) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
            }
            server.waitFor(50, TimeUnit.MILLISECONDS); // the poll interval; returns early if the server dies
        }
        throw new IOException("postgres did not accept connections within " + START_DEADLINE.toSeconds() + " s: "
                + (last == null ? "" : last.getMessage()) + " " + FixtureFiles.tail(log));
    }


    private void stop() {
        if (server != null) {
            stopProcess();
        }
        if (root != null) {
            FixtureFiles.deleteTree(root);
            root = null;
        }
    }

    private void stopProcess() {
        try {
            // fast shutdown: disconnects clients a failed test may have left open
            new ProcessBuilder(command(List.of(bin.resolve("pg_ctl").toString(), "stop", "-D", root.resolve("data").toString(),
                    "-m", "fast", "-w", "-t", "30"))).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(40, TimeUnit.SECONDS);
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.descendants().forEach(ProcessHandle::destroyForcibly);
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
        server = null;
    }
}
