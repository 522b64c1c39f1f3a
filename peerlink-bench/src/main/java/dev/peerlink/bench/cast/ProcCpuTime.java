package dev.peerlink.bench.cast;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CPU seconds of a process from /proc/&lt;pid&gt;/stat (utime + stime, all threads), as {@code dev.peerlink.bench.ProcCpu}
 * reads them (that class is package-private there), and the ffmpeg a CLI process runs as its child.
 */
final class ProcCpuTime {
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ

    private ProcCpuTime() {}

    static double seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // the name (field 2) may hold spaces
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND; // fields 14 and 15
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The live ffmpeg child of {@code pid}, or -1 when there is none. */
    static long ffmpegChild(long pid) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        return p.flatMap(h -> h.descendants().filter(ProcessHandle::isAlive)
                        .filter(d -> d.info().command().map(c -> c.endsWith("/ffmpeg") || c.equals("ffmpeg")).orElse(false))
                        .findFirst())
                .map(ProcessHandle::pid).orElse(-1L);
    }
}
