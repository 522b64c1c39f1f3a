package dev.peerlink.it;

import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One bulk transfer through the real CLI: {@code peerlink connect < file > /dev/null} to a {@code peerlink peer} whose
 * stdout is /dev/null — one way (the target only receives), or both ways at once (the target runs with
 * {@code --send} and sends a file of the same size back while receiving). Timed from connect's
 * {@code connected} line to its exit: one way, once the target has read everything and closed its side; both ways,
 * once connect has sent its file and received the target's to its FIN (the target may still be reading the last
 * window of connect's bytes then: at most the stream window, under 1 % of 1 GiB). CPU: connect's JVM from the
 * {@code connected} line to exit (its whole-process total from /usr/bin/time minus what it had used by then), the
 * target's and the server's JVM over the same span (/proc/PID/stat).
 */
final class BulkRun {
    static final Pattern RUSAGE = Pattern.compile("rusage user=([0-9.]+) sys=([0-9.]+)");
    static final Pattern MOVED = Pattern.compile("\\{\"event\":\"path\",\"from\":\"([a-z]+)\",\"to\":\"([a-z]+)\"}");
    /** The closing line of {@code connect}, once it prints one (issue 15); checked when present. */
    static final Pattern CLOSED = Pattern.compile(
            "\\{\"event\":\"closed\",\"sentBytes\":\"?(\\d+)\"?,\"receivedBytes\":\"?(\\d+)\"?,\"transferMs\":\"?(\\d+)");

    /**
     * {@code bytes} moved (both directions summed) in {@code seconds}; CPU seconds of connect, target, server during
     * the transfer; the machine's busy share (both cores) meanwhile; the path at the end and any note (moves, the
     * closing line's figures).
     */
    record Result(String path, int exit, long bytes, double seconds, double connectCpu, double targetCpu,
                  double serverCpu, double busy, String load, String note) {
        double mbps() {
            return bytes / seconds / 1e6;
        }

        double perGb(double cpu) {
            return cpu / (bytes / 1e9);
        }
    }

    private BulkRun() {
    }

    static Result run(BenchCli cli, Host from, String asId, String target, Path input, long bytesEachWay, boolean bothWays,
                      List<String> extra, Duration timeout) throws Exception {
        HostProcess t = cli.targets.get(target);
        String cmd = "exec /usr/bin/time -f 'rusage user=%U sys=%S' "
                + cli.connect(asId, cli.dir.resolve("home-" + asId), target, extra)
                + " < " + LadderBed.quote(input.toString()) + " > /dev/null";
        try (HostProcess p = from.start("sh", "-c", cmd)) {
            Matcher m = p.awaitOutput(LadderBed.CONNECTED, BenchCli.STEP);
            long start = System.nanoTime();
            long[] busy0 = BenchCli.machineTicks();
            double c0 = BenchCli.cpuSeconds(BenchCli.javaPid(p));
            double t0 = BenchCli.cpuSeconds(t.pid());
            double s0 = BenchCli.cpuSeconds(cli.lb.server.pid());
            int exit = p.awaitExit(timeout);
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] busy1 = BenchCli.machineTicks();
            double targetCpu = BenchCli.cpuSeconds(t.pid()) - t0;
            double serverCpu = BenchCli.cpuSeconds(cli.lb.server.pid()) - s0;
            String err = String.join("\n", p.stderrLines());
            Matcher u = RUSAGE.matcher(err);
            double connectCpu = u.find() ? Double.parseDouble(u.group(1)) + Double.parseDouble(u.group(2)) - c0 : Double.NaN;
            String path = m.group(1);
            StringBuilder note = new StringBuilder();
            for (Matcher mv = MOVED.matcher(err); mv.find(); path = mv.group(2)) {
                note.append(" moved ").append(mv.group(1)).append("->").append(mv.group(2)).append(';');
            }
            Matcher closed = CLOSED.matcher(err);
            if (closed.find()) {
                long sent = Long.parseLong(closed.group(1));
                long received = Long.parseLong(closed.group(2));
                note.append(String.format(" closed: sent %d, received %d, transferMs %s%s;", sent, received, closed.group(3),
                        sent == bytesEachWay && received == (bothWays ? bytesEachWay : 0) ? "" : " BYTE COUNT MISMATCH"));
            }
            if (exit != 0) {
                note.append(" exit ").append(exit).append(": ").append(p.describeOutput().lines()
                        .filter(l -> l.contains("connect:")).findFirst().orElse("")).append(';');
            }
            double busy = (double) (busy1[0] - busy0[0]) / Math.max(1, busy1[1] - busy0[1]);
            long moved = bothWays ? 2 * bytesEachWay : bytesEachWay;
            return new Result(path, exit, moved, seconds, connectCpu, targetCpu, serverCpu, busy, BenchCli.load(),
                    note.toString());
        }
    }

    static String line(String label, boolean bothWays, Result r) {
        return String.format("bulk %-38s %-8s %-6s exit %d, %7.2f s, %6.0f MB, %7.1f MB/s, CPU s/GB connect %.2f target %.2f"
                        + " server %.2f, machine busy %.0f%%, load %s;%s", label, r.path(), bothWays ? "2 ways" : "1 way",
                r.exit(), r.seconds(), r.bytes() / 1e6, r.mbps(), r.perGb(r.connectCpu()), r.perGb(r.targetCpu()),
                r.perGb(r.serverCpu()), r.busy() * 100, r.load(), r.note());
    }
}
