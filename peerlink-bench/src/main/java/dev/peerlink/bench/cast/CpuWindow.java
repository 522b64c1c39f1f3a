package dev.peerlink.bench.cast;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** CPU seconds of named processes between {@link #begin} and {@link #end}, reported as % of one core. */
final class CpuWindow {
    private final List<String> names = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();
    private double[] start;
    private double[] used;
    private long startNanos;
    private long endNanos;

    void add(String name, long pid) {
        names.add(name);
        pids.add(pid);
    }

    void begin() {
        startNanos = System.nanoTime();
        start = sample();
    }

    void end() {
        double[] now = sample();
        endNanos = System.nanoTime();
        used = new double[now.length];
        for (int i = 0; i < now.length; i++) {
            used[i] = now[i] - start[i];
        }
    }

    private double[] sample() {
        double[] s = new double[pids.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = pids.get(i) < 0 ? Double.NaN : ProcCpuTime.seconds(pids.get(i));
        }
        return s;
    }

    double seconds(String name) {
        return used[names.indexOf(name)];
    }

    /** "name 12.3 % (3.1 s)" per process: % of one core over the window's wall time. */
    List<String> report() {
        double wall = (endNanos - startNanos) / 1e9;
        List<String> r = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            r.add(Double.isNaN(used[i]) ? names.get(i) + " n/a"
                    : String.format(Locale.ROOT, "%s %.1f %% (%.2f s)", names.get(i), 100 * used[i] / wall, used[i]));
        }
        return r;
    }
}
