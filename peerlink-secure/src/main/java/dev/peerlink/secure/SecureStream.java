package dev.peerlink.secure;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * One bidirectional byte stream of a {@link SecureSession}.
 *
 * <p>Half-close: closing {@link #output()} sends FIN (the peer reads end-of-stream once it has read everything
 * before it) while this side can still read; {@link #input()} returns -1 after the peer's FIN. Closing
 * {@link #input()} tells the peer to stop sending. {@link #close()} does both; {@link #reset()} aborts the
 * stream in both directions (the peer's reads and writes fail with an IOException).
 *
 * <p>{@code input()} is for one reading thread, {@code output()} for one writing thread; they may be different
 * threads. Writes block while the peer's flow-control window is full.
 */
public interface SecureStream extends AutoCloseable {

    long id();

    InputStream input();

    OutputStream output();

    /** Aborts both directions. */
    void reset();

    /** Closes the output (FIN after pending data) and the input. */
    @Override
    void close();
}
