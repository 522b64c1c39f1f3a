package dev.peerlink.turn.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Opens the TCP connection of a TCP or TLS {@link TurnClient} to its server some other way than directly, e.g. as an
 * HTTP CONNECT tunnel through a proxy. TLS, when asked for, runs over the returned socket, end to end to the server.
 */
@FunctionalInterface
public interface StreamConnector {
    /** A socket connected (or tunnelled) to {@code server}, within {@code timeout}. */
    Socket connect(InetSocketAddress server, Duration timeout) throws IOException;
}
