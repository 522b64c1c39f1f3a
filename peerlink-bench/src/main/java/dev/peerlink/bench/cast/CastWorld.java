package dev.peerlink.bench.cast;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The loopback world of the cast benchmarks: one {@code peerlink server} (signalling, STUN, TURN relay), receivers
 * ({@code peerlink cast receive}) and senders ({@code peerlink cast send}), all real CLI processes of one jar. Both ends
 * offer loopback candidates ({@code --loopback}): on one machine the direct path is a loopback one.
 */
final class CastWorld implements AutoCloseable {
    static final Duration STEP = Duration.ofSeconds(60);
    static final Pattern WAITING = Pattern.compile("\"event\":\"waiting\",\"code\":\"(PL1:[A-Z0-9]+)\"");
    static final Pattern READY = Pattern.compile("\"event\":\"ready\".*\"rtmp\":\"(rtmp://[^\"]+)\"");
    static final Pattern CASTING = Pattern.compile("\"event\":\"casting\",\"path\":\"([a-z]+)\"");
    static final Pattern ENDED = Pattern.compile("\"event\":\"ended\"");

    final Path jar;
    final String ffmpeg;
    final Path dir;
    final String server;
    private final CliProcess serverProcess;
    private final List<CliProcess> started = new ArrayList<>();

    private CastWorld(Path jar, String ffmpeg, Path dir, String server, CliProcess serverProcess) {
        this.jar = jar;
        this.ffmpeg = ffmpeg;
        this.dir = dir;
        this.server = server;
        this.serverProcess = serverProcess;
    }

    static CastWorld start(Path jar, String ffmpeg, Path dir) throws Exception {
        int signal = freePort();
        int stun = freePort();
        int relay = freePort();
        Files.createDirectories(dir);
        CliProcess s = CliProcess.start(jar, "server", List.of("server", "--listen", "127.0.0.1:" + signal, "--stun", "127.0.0.1:" + stun,
                "--relay", "127.0.0.1:" + relay, "--allow-peer", "127.0.0.0/8", // the relay refuses loopback peers unless told
                "--data", dir.resolve("server-data").toString()));
        s.await(Pattern.compile("signalling on ws://"), STEP);
        return new CastWorld(jar, ffmpeg, dir, "127.0.0.1:" + signal, s);
    }

    /** A PC: {@code cast receive} registered with the server, listening for direct dials on loopback. */
    Receiver receiver(String id, List<String> extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("cast", "receive", "--id", id, "--home", dir.resolve(id).toString(), "--server", server,
                "--listen", "127.0.0.1:0", "--loopback", "--qr", dir.resolve(id + "-qr.png").toString()));
        args.addAll(extra);
        CliProcess p = track(CliProcess.start(jar, "receive-" + id, args));
        String rtmp = p.await(READY, STEP).group(1);
        return new Receiver(p, rtmp);
    }

    /** A phone casting to {@code code}: {@code cast send} with the given source and options. */
    CliProcess sender(String id, String code, List<String> extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("cast", "send", "--id", id, "--home", dir.resolve(id).toString(), "--server", server,
                "--pairing", code, "--loopback"));
        args.addAll(extra);
        return track(CliProcess.start(jar, "send-" + id, args));
    }

    private CliProcess track(CliProcess p) {
        synchronized (started) {
            started.add(p);
        }
        return p;
    }

    /** A receiver process, its RTMP re-serve URL and a cursor over its fresh pairing codes (one per cast). */
    static final class Receiver {
        final CliProcess process;
        final String rtmpUrl;
        private int cursor;

        Receiver(CliProcess process, String rtmpUrl) {
            this.process = process;
            this.rtmpUrl = rtmpUrl;
        }

        /** The next unused code: the first at start, then the one printed after each cast ends. */
        String nextCode() throws InterruptedException {
            CliProcess.Event e = process.await(WAITING, cursor, STEP);
            cursor = e.line().index() + 1;
            return e.group(1);
        }

        /** Waits for the end of the cast in progress (the receiver has flushed its recording by then). */
        void awaitEnded() throws InterruptedException {
            process.await(ENDED, cursor, STEP);
        }
    }

    static int freePort() throws IOException {
        for (int i = 0; i < 100; i++) {
            try (ServerSocket t = new ServerSocket()) {
                t.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = t.getLocalPort();
                try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                    return port; // free for TCP and UDP: STUN and TURN listen on both
                } catch (IOException busy) {
                    // taken for UDP: try another
                }
            }
        }
        throw new IOException("no port free for both TCP and UDP");
    }

    /** True once something listens on TCP {@code port} (from /proc/net/tcp: connecting would use up a one-client server). */
    static boolean listening(int port) throws IOException {
        String hex = String.format(":%04X ", port);
        for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && (f[1] + " ").endsWith(hex) && f[3].equals("0A")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        List<CliProcess> all;
        synchronized (started) {
            all = new ArrayList<>(started);
        }
        for (CliProcess p : all.reversed()) {
            p.close();
        }
        serverProcess.close();
    }
}
