package dev.peerlink.share.gpsd;

import java.io.IOException;

/** A line from gpsd that is not the JSON the protocol promises (malformed, oversized, or out of range). */
public class GpsdProtocolException extends IOException {
    public GpsdProtocolException(String message) {
        super(message);
    }

    public GpsdProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
