package dev.peerlink.cast.web;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the receiver page shows: waiting (with the pairing code and its QR) or live (with the path and the video's
 * size and rate). Thread-safe; every change that the page should see at once notifies the listeners (the server turns
 * that into a Server-Sent Event). The frame counter changes too often for that and is only read on demand.
 */
public final class CastStatus {
    public enum State { WAITING, LIVE }

    /** An immutable view for /status and /events; null fields are unknown. */
    public record Snapshot(State state, String pairing, boolean qr, String path, Integer width, Integer height,
                           Double fps, long frames, int viewers) {}

    private final CopyOnWriteArrayList<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong frames = new AtomicLong();
    private State state = State.WAITING;
    private String pairing;
    private Supplier<byte[]> qrPng;
    private String path;
    private Integer width;
    private Integer height;
    private Double fps;
    private int viewers;

    /** Back to waiting (the sender stopped or has not come yet); the path and video facts are forgotten. */
    public void waiting() {
        update(() -> {
            state = State.WAITING;
            path = null;
            width = null;
            height = null;
            fps = null;
        });
    }

    /** The stream is on; {@code path} is how it arrived ({@code direct}, {@code reverse}, ...), null if unknown. */
    public void live(String path) {
        update(() -> {
            state = State.LIVE;
            this.path = path;
        });
    }

    /** The pairing code text shown under the QR (null: none). */
    public void pairing(String text) {
        update(() -> pairing = text);
    }

    /** Where /qr.png comes from (null: no QR, 404); called per request, so it may render lazily. */
    public void qrPng(Supplier<byte[]> png) {
        update(() -> qrPng = png);
    }

    /** The video's size and frame rate as the sender announced them (null: unknown). */
    public void video(Integer width, Integer height, Double fps) {
        update(() -> {
            this.width = width;
            this.height = height;
            this.fps = fps;
        });
    }

    /** Counts one received video frame (no event: the page has its own live counters). */
    public void frameReceived() {
        frames.incrementAndGet();
    }

    /** Viewer count kept by the web server; an event, so every open page can show it. */
    public void viewers(int count) {
        update(() -> viewers = count);
    }

    /** The QR image source, or null. */
    public synchronized Supplier<byte[]> qrPng() {
        return qrPng;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(state, pairing, qrPng != null, path, width, height, fps, frames.get(), viewers);
    }

    /** Calls {@code listener} on every change (on the changing thread; keep it short); run the result to stop. */
    public Runnable onChange(Consumer<Snapshot> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void update(Runnable change) {
        Snapshot after;
        synchronized (this) {
            change.run();
            after = snapshot();
        }
        // outside the lock: a listener may read the status again
        for (Consumer<Snapshot> l : listeners) {
            l.accept(after);
        }
    }
}
