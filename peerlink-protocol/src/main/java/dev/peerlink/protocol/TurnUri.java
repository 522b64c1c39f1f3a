package dev.peerlink.protocol;

import java.net.InetSocketAddress;

/**
 * A TURN server URI (RFC 7065) with an IP literal: {@code turn:ip:port} (UDP), {@code turn:ip:port?transport=tcp}
 * (TCP), {@code turns:ip:port} (TLS). A bare {@code ip:port} reads as UDP, as the relay grant's {@code urls} are.
 */
public record TurnUri(boolean tls, boolean tcp, InetSocketAddress server) {
    public TurnUri {
        if (tls && !tcp) {
            throw new IllegalArgumentException("turns: over UDP would be DTLS, which is not supported");
        }
    }

    /** @throws IllegalArgumentException when the text is none of the forms above */
    public static TurnUri parse(String text) {
        String rest = text;
        boolean secure = false;
        if (rest.startsWith("turns:")) {
            secure = true;
            rest = rest.substring("turns:".length());
        } else if (rest.startsWith("turn:")) {
            rest = rest.substring("turn:".length());
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        boolean tcp = switch (query) {
            case "" -> secure;
            case "transport=tcp" -> true;
            case "transport=udp" -> false;
            default -> throw new IllegalArgumentException("unknown TURN URI query: " + text);
        };
        return new TurnUri(secure, tcp, Endpoints.parse(rest));
    }

    @Override
    public String toString() {
        String hostPort = Endpoints.format(server);
        return tls ? "turns:" + hostPort : tcp ? "turn:" + hostPort + "?transport=tcp" : "turn:" + hostPort;
    }
}
