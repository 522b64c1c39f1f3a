package dev.peerlink.stun.client;

import java.net.InetSocketAddress;

/** A STUN transaction got no answer after all retransmissions. */
public final class StunTimeoutException extends Exception {
    public StunTimeoutException(InetSocketAddress server, int sends) {
        super("no STUN response from " + server + " after " + sends + " transmissions");
    }
}
