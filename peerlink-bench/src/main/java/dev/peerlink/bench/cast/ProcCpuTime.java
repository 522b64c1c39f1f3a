package dev.peerlink.bench.cast;

import java.util.Optional;

/** CPU seconds of a process ({@link dev.peerlink.bench.ProcCpu}), and the ffmpeg a CLI process runs as its child. */
final class ProcCpuTime {
    private ProcCpuTime() {}

    static double seconds(long pid) {
        return dev.peerlink.bench.ProcCpu.seconds(pid);
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
