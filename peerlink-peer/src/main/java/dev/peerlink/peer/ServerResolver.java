package dev.peerlink.peer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a signalling server's host name into all its addresses (A and AAAA records): each address is a server of its
 * own for failover, so one DNS name with several records behaves as {@code --server A,B,C}. The default asks the
 * system resolver; tests and embedders with their own DNS give another.
 */
@FunctionalInterface
public interface ServerResolver {
    /** Every address of {@code host}, in the order the resolver gave them; throws when the name does not resolve. */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    static ServerResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
