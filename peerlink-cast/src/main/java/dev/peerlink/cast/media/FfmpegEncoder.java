package dev.peerlink.cast.media;

import dev.peerlink.cast.media.internal.EncoderRun;
import dev.peerlink.cast.media.internal.TagRebaser;
import dev.peerlink.rtmp.flv.FlvTag;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Runs ffmpeg on a source and hands each FLV tag it produces to a consumer: onMetaData, the AVC sequence header, then
 * frames. The consumer runs on the encoder's reader thread and must not block for long (hand tags to a queue): while
 * it blocks, ffmpeg blocks on its stdout.
 *
 * <p>{@link #setBitrate} restarts ffmpeg, since the ffmpeg command line cannot change a running encoder's bitrate. The
 * old run is stopped and drained before the new one starts (two x11grab or ingest processes cannot share the source);
 * the new run's AVC sequence header comes before its first key frame, and its timestamps are moved on past the old
 * run's ({@link TagRebaser}), so the stream stays monotonic. The restart gap is ffmpeg's start-up time.
 */
public final class FfmpegEncoder implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);

    private final Ffmpeg ffmpeg;
    private final CastSource source;
    private final Consumer<FlvTag> sink;
    private final TagRebaser rebaser;
    private final CompletableFuture<EncoderExit> exit = new CompletableFuture<>();
    private final Object lifecycle = new Object();
    private volatile EncoderSettings settings;
    private volatile EncoderRun current;
    private volatile boolean closed;
    private int restarts;

    private FfmpegEncoder(Ffmpeg ffmpeg, CastSource source, EncoderSettings settings, Consumer<FlvTag> sink) {
        this.ffmpeg = ffmpeg;
        this.source = source;
        this.settings = settings;
        this.sink = sink;
        this.rebaser = new TagRebaser(settings.fps(), System::currentTimeMillis);
    }

    /** Starts encoding; tags flow to {@code tags} until the source ends, ffmpeg fails, or {@link #close()}. */
    public static FfmpegEncoder start(Ffmpeg ffmpeg, CastSource source, EncoderSettings settings, Consumer<FlvTag> tags) throws IOException {
        FfmpegEncoder e = new FfmpegEncoder(Objects.requireNonNull(ffmpeg), Objects.requireNonNull(source), Objects.requireNonNull(settings),
                Objects.requireNonNull(tags));
        synchronized (e.lifecycle) {
            e.launch(0);
        }
        return e;
    }

    /** The command of the current run, for logs. */
    public List<String> command() {
        return FfmpegCommand.build(ffmpeg.executable().toString(), source, settings, 0);
    }

    public EncoderSettings settings() {
        return settings;
    }

    /** False for an RTMP ingest: a restart would drop the publisher's connection (OBS reconnects, ffmpeg does not). */
    public boolean canChangeBitrate() {
        return !(source instanceof CastSource.RtmpIngest);
    }

    /**
     * Restarts ffmpeg at {@code kbps} (no-op if unchanged); returns once the new run is started.
     *
     * @throws IllegalStateException after the encoder ended, or for a source that {@link #canChangeBitrate() cannot}
     */
    public void setBitrate(int kbps) throws IOException {
        synchronized (lifecycle) {
            if (!canChangeBitrate()) {
                throw new IllegalStateException("cannot change the bitrate of an RTMP ingest without dropping its publisher");
            }
            if (closed || exit.isDone()) {
                throw new IllegalStateException("encoder has ended");
            }
            if (kbps == settings.bitrateKbps()) {
                return;
            }
            EncoderSettings next = settings.withBitrate(kbps);
            EncoderRun old = current;
            current = null; // its end is a restart, not the encoder's exit
            old.stop(STOP_GRACE);
            if (exit.isDone()) {
                return; // it ended on its own just before we stopped it
            }
            long resumeAt = rebaser.lastTimestamp() + 1000L / settings.fps();
            if (settings.durationMillis() > 0 && resumeAt >= settings.durationMillis()) {
                exit.complete(old.ended().join());
                return;
            }
            settings = next;
            rebaser.newRun();
            restarts++;
            try {
                launch(Math.max(0, resumeAt));
            } catch (IOException e) {
                exit.complete(new EncoderExit(-1, false, "restart failed: " + e.getMessage(), old.stderr()));
                throw e;
            }
        }
    }

    /** How many times {@link #setBitrate} restarted ffmpeg. */
    public int restarts() {
        synchronized (lifecycle) {
            return restarts;
        }
    }

    /** Completes when the stream ends for good (not on restarts): why, and ffmpeg's last words. */
    public CompletableFuture<EncoderExit> exit() {
        return exit;
    }

    /** ffmpeg's latest stderr lines (of the current run). */
    public List<String> recentStderr() {
        EncoderRun run = current;
        return run == null ? List.of() : run.stderr();
    }

    /** The current ffmpeg's CPU time so far, where the platform reports it. */
    public Optional<Duration> cpuTime() {
        EncoderRun run = current;
        return run == null ? Optional.empty() : run.cpuTime();
    }

    /** Stops ffmpeg (q, then SIGTERM, then SIGKILL after grace periods) and waits until it is gone. Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            EncoderRun run = current;
            if (run != null) {
                run.stop(STOP_GRACE);
            }
        }
    }

    /** Starts a run and makes it current before watching its end, so an instant failure still completes the exit. */
    private void launch(long startMillis) throws IOException {
        List<String> cmd = FfmpegCommand.build(ffmpeg.executable().toString(), source, settings, startMillis);
        int[] clockSize = source instanceof CastSource.Clock ? FfmpegCommand.generatedSize(settings) : null;
        EncoderRun run = new EncoderRun(cmd, this::deliver, clockSize, settings.fps());
        current = run;
        run.ended().thenAccept(result -> {
            if (current == run) {
                exit.complete(result);
            }
        });
    }

    private void deliver(FlvTag tag) {
        FlvTag out = rebaser.apply(tag);
        if (out != null) {
            sink.accept(out);
        }
    }
}
