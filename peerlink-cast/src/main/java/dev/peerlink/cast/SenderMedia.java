package dev.peerlink.cast;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** The sender's RTMP side, as the cast flow needs it. */
public interface SenderMedia {
    /**
     * Starts the source (ffmpeg) once the link is up: starting it earlier would show the receiver a stream that
     * began before it could see it (up to a GOP lost) in exchange for ffmpeg's start-up time (0.3–0.9 s).
     */
    default void start() throws java.io.IOException {
    }

    /** Publishes the encoder's stream as {@code key} to the RTMP server at {@code via}; completes when publishing ends. */
    CompletableFuture<Void> publishTo(InetSocketAddress via, String key);

    /**
     * Admits one player — the receiver that dialled back, whose stream is about to be joined in — and returns the
     * loopback address of the RTMP server that serves the encoder's stream; nothing else may play or publish there.
     */
    InetSocketAddress admitPlayer();

    /** Completes when the source ends (a file's end, --duration reached) or fails. */
    CompletableFuture<Void> finished();
}
