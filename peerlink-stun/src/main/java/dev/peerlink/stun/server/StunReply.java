package dev.peerlink.stun.server;

import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunMessage;
import java.util.Objects;

/**
 * What a {@link StunMethodHandler} answers: a message, how to protect it, and (UDP only) which of
 * the server's sockets sends it and to which client port.
 *
 * @param changeIp send from the socket on the other IP address (RFC 5780 CHANGE-REQUEST)
 * @param changePort send from the socket on the other port
 * @param responsePort client port to send to instead of the source port (RFC 5780 RESPONSE-PORT), 0 for none
 */
public record StunReply(StunMessage message, MessageProtection protection, boolean changeIp, boolean changePort,
                        int responsePort) {
    public StunReply {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(protection, "protection");
        if (responsePort < 0 || responsePort > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + responsePort);
        }
    }

    /** A reply sent back the way the request came. */
    public static StunReply of(StunMessage message, MessageProtection protection) {
        return new StunReply(message, protection, false, false, 0);
    }

    public StunReply sentFrom(boolean changeIp, boolean changePort) {
        return new StunReply(message, protection, changeIp, changePort, responsePort);
    }

    public StunReply toPort(int port) {
        return new StunReply(message, protection, changeIp, changePort, port);
    }
}
