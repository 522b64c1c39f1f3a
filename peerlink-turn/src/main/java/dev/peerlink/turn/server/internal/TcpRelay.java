package dev.peerlink.turn.server.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The TCP side of one RFC 6062 allocation: its peer connections (pending or bound) and the peers being
 * connected to. Touched only on the allocation's event loop.
 */
final class TcpRelay {
    private final Map<Long, PeerConnection> connections = new HashMap<>();
    private final Set<InetSocketAddress> peers = new HashSet<>();
    private boolean closed;

    /** False when a connection to {@code peer} is already being made or open (446). */
    boolean reserve(InetSocketAddress peer) {
        return !closed && peers.add(peer);
    }

    void unreserve(InetSocketAddress peer) {
        peers.remove(peer);
    }

    int size() {
        return peers.size();
    }

    void add(PeerConnection c) {
        connections.put(c.id, c);
        peers.add(c.peer);
    }

    void remove(PeerConnection c) {
        if (connections.remove(c.id, c)) {
            peers.remove(c.peer);
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** The allocation is gone: every peer connection closes (and with it its client data connection). */
    void close() {
        closed = true;
        for (PeerConnection c : new ArrayList<>(connections.values())) {
            c.channel.close();
        }
        connections.clear();
        peers.clear();
    }
}
