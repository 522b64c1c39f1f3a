package dev.peerlink.secure.internal;

import java.io.Closeable;
import java.io.IOException;

/** A connection that can end its sending side while it keeps reading (TCP's FIN). */
public interface HalfCloseable extends Closeable {
    /** Sends the end of our stream; reads go on until the peer's end or {@link #close()}. */
    void shutdownOutput() throws IOException;
}
