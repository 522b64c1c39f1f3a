package dev.peerlink.exit;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * One TCP flow through an exit: bytes written to {@link #output()} reach the destination, the destination's bytes
 * come out of {@link #input()}. Closing the output half-closes toward the destination; {@link #close()} ends both.
 */
public interface ExitFlow extends AutoCloseable {
    InputStream input();

    OutputStream output();

    /** The provider carrying the flow (its device id). */
    String exit();

    /** The provider's local address of the outgoing connection ({@code ip:port}), or null when it did not say. */
    String bound();

    @Override
    void close();
}
