package dev.peerlink.exit.wire;

/**
 * The provider's answer on an exit stream: the flow is open ({@code bound}: the provider's local address of the
 * outgoing connection, for the SOCKS5 reply), or it failed with {@code error}.
 */
public record ExitReply(boolean ok, ExitError error, String message, String bound) {
    public ExitReply {
        if (ok == (error != null)) {
            throw new IllegalArgumentException("a reply is either ok or carries an error");
        }
        if (message != null && message.length() > 512) {
            message = message.substring(0, 512);
        }
    }

    public static ExitReply opened(String bound) {
        return new ExitReply(true, null, null, bound);
    }

    public static ExitReply failed(ExitError error, String message) {
        return new ExitReply(false, error, message, null);
    }
}
