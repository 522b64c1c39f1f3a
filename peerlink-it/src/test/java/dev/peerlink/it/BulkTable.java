package dev.peerlink.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The bulk summary of one loss level: per path and direction mode, peerlink's rate beside iperf3's on the same hosts,
 * the ratio and issue 15's goal (goals hold at zero loss only), CPU seconds per GB on each end.
 */
final class BulkTable {
    /** Issue 15's goals: minimum ratio to iperf3 TCP, and to iperf3 UDP (NaN: none) per path. */
    static final Map<String, double[]> GOALS = Map.of(
            "direct", new double[] {0.5, Double.NaN},
            "punch", new double[] {0.3, 0.8},
            "birthday", new double[] {0.3, 0.8},
            "relay", new double[] {0.25, Double.NaN});

    /** One row: the TCP reference is the slower relay leg for the relayed path; {@code udp} may be null. */
    record Row(String path, boolean bothWays, long mib, BulkRun.Result peerlink, Iperf3.Result tcp, Iperf3.Result udp) {}

    private final int lossPercent;
    private final List<Row> rows = new ArrayList<>();

    BulkTable(int lossPercent) {
        this.lossPercent = lossPercent;
    }

    void add(Row row) {
        rows.add(row);
    }

    void print(Consumer<String> out) {
        out.accept(String.format("## bulk summary, %d %% loss on the target's link (both directions)%s; MB/s = 10^6 bytes/s,"
                + " both ways = the two directions summed; CPU = user+sys s per GB moved through that end", lossPercent,
                lossPercent == 0 ? "" : ", issue 15's goals are for zero loss"));
        out.accept(String.format("%-8s %-6s %5s %9s | %9s %6s %-12s | %9s %6s %6s %-12s | %-22s | %s", "path", "ways", "MiB",
                "peerlink", "iperf TCP", "ratio", "goal", "iperf UDP", "loss", "ratio", "goal", "CPU s/GB conn/tgt/srv",
                "iperf3 TCP CPU s/GB client/server"));
        for (Row r : rows) {
            double[] goal = GOALS.get(r.path());
            BulkRun.Result p = r.peerlink();
            double tcpRatio = p.mbps() / r.tcp().mbps();
            String udp = "-";
            String udpLoss = "";
            String udpRatio = "";
            String udpGoal = "";
            if (r.udp() != null) {
                double ratio = p.mbps() / r.udp().mbps();
                udp = String.format("%9.1f", r.udp().mbps());
                udpLoss = String.format("%5.1f%%", r.udp().lossPct());
                udpRatio = String.format("%5.2fx", ratio);
                udpGoal = goal(goal == null ? Double.NaN : goal[1], ratio);
            }
            out.accept(String.format("%-8s %-6s %5d %9.1f | %9.1f %5.2fx %-12s | %9s %6s %6s %-12s | %6.2f %6.2f %6.2f   | %.2f %.2f%s",
                    r.path(), r.bothWays() ? "2 ways" : "1 way", r.mib(), p.mbps(), r.tcp().mbps(), tcpRatio,
                    goal(goal == null ? Double.NaN : goal[0], tcpRatio), udp, udpLoss, udpRatio, udpGoal,
                    p.perGb(p.connectCpu()), p.perGb(p.targetCpu()), p.perGb(p.serverCpu()), r.tcp().clientCpuPerGb(),
                    r.tcp().serverCpuPerGb(), p.exit() == 0 ? "" : "  FAILED (exit " + p.exit() + ")"));
        }
    }

    private String goal(double min, double ratio) {
        if (Double.isNaN(min)) {
            return "";
        }
        if (lossPercent != 0) {
            return String.format(">=%.2gx", min);
        }
        return String.format(">=%.2gx %s", min, ratio >= min ? "met" : "NOT");
    }
}
