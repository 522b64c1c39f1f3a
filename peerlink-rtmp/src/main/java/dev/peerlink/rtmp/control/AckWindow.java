package dev.peerlink.rtmp.control;

import java.util.Optional;

/**
 * Counts the bytes received from the peer and says when an {@link Acknowledgement} is due (spec §5.4.3–5.4.4): once
 * at least the peer's window size has arrived since the last acknowledgement. The sequence number is the total
 * received, modulo 2^32. Until the peer sends a Window Acknowledgement Size the window is 0, which means "do not
 * acknowledge". Not thread-safe: one per connection, driven by its reading thread.
 */
public final class AckWindow {
    private long windowSize;
    private long received;
    private long lastAcked;

    /** A window the peer has not announced yet: no acknowledgements until {@link #setWindowSize}. */
    public AckWindow() {
        this(0);
    }

    public AckWindow(long windowSize) {
        setWindowSize(windowSize);
    }

    /** Applies the peer's Window Acknowledgement Size; 0 turns acknowledgements off. */
    public void setWindowSize(long windowSize) {
        this.windowSize = Wire.checkU32(windowSize, "window size");
    }

    public long windowSize() {
        return windowSize;
    }

    /** Total bytes counted so far (not wrapped). */
    public long received() {
        return received;
    }

    /**
     * Counts {@code bytes} more received bytes; returns the acknowledgement to send if the window is now full. A read
     * spanning several windows still yields one acknowledgement: it carries the total, which covers them all.
     */
    public Optional<Acknowledgement> onReceived(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative byte count: " + bytes);
        }
        received += bytes;
        if (windowSize == 0 || received - lastAcked < windowSize) {
            return Optional.empty();
        }
        lastAcked = received;
        return Optional.of(new Acknowledgement(received & 0xFFFF_FFFFL));
    }
}
