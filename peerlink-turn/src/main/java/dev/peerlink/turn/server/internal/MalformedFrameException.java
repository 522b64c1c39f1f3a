package dev.peerlink.turn.server.internal;

import io.netty.handler.codec.CorruptedFrameException;

/** A client's TCP/TLS stream holds bytes that are neither STUN nor ChannelData: it cannot be resynchronised. */
public final class MalformedFrameException extends CorruptedFrameException {
    public MalformedFrameException(String message) {
        super(message);
    }
}
