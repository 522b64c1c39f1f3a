package dev.peerlink.peer.internal.relay;

import dev.peerlink.protocol.HttpProxy;
import dev.peerlink.turn.client.StreamConnector;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;

/**
 * Which HTTP proxy carries the TURN client's TCP/TLS link to the relay (issue 18, proxy-only networks): the one the
 * device was given ({@code --proxy}, {@code Peer.Builder.proxy}), else the one {@code HTTPS_PROXY} names for the relay
 * ({@code NO_PROXY} honoured), as a browser reaching {@code https://relay:port} would; none: a direct connection.
 */
final class RelayProxy {
    private RelayProxy() {}

    /** A CONNECT tunnel through the chosen proxy, or null for a direct connection. */
    static StreamConnector connector(InetSocketAddress relay, HttpProxy given) {
        return connector(relay, given, System.getenv());
    }

    static StreamConnector connector(InetSocketAddress relay, HttpProxy given, Map<String, String> env) {
        HttpProxy p = given;
        if (p == null) {
            String host = relay.getHostString();
            URI target = URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + relay.getPort());
            p = HttpProxy.forTarget(target, env).orElse(null);
        }
        if (p == null) {
            return null;
        }
        HttpProxy proxy = p;
        return (server, timeout) -> proxy.tunnel(server.getHostString(), server.getPort(), timeout);
    }
}
