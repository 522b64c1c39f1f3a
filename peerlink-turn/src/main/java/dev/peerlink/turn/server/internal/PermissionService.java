package dev.peerlink.turn.server.internal;

import dev.peerlink.turn.TurnErrors;
import dev.peerlink.turn.attribute.ChannelNumber;
import dev.peerlink.turn.attribute.XorPeerAddress;
import dev.peerlink.turn.server.Refusal;
import dev.peerlink.turn.server.TurnServerConfig;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/** CreatePermission (RFC 8656 §10) and ChannelBind (§11): the peer policy is enforced here, before anything is installed. */
final class PermissionService {
    private final Counters counters;
    private final long permissionLifetime;
    private final long channelLifetime;
    private final int maxChannel;
    private volatile PeerPolicy policy;
    private final OwnRelayIps ownRelayIps;
    private final AllocationTable table;

    PermissionService(TurnServerConfig config, Counters counters, PeerPolicy policy, OwnRelayIps ownRelayIps,
                      AllocationTable table) {
        this.counters = counters;
        this.ownRelayIps = ownRelayIps;
        this.table = table;
        this.permissionLifetime = config.permissionLifetime().toNanos();
        this.channelLifetime = config.channelLifetime().toNanos();
        this.maxChannel = config.maxChannel();
        this.policy = policy;
    }

    void policy(PeerPolicy p) {
        this.policy = p;
    }

    /** All-or-nothing: one refused peer fails the request and installs none (RFC 8656 §10.2). */
    void createPermission(Request req, Allocation a) {
        if (a == null) {
            return;
        }
        List<XorPeerAddress> peers = req.all(XorPeerAddress.class);
        if (peers.isEmpty()) {
            req.fail(TurnErrors.BAD_REQUEST, Refusal.BAD_REQUEST);
            return;
        }
        for (XorPeerAddress p : peers) {
            if (!checkPeer(req, a, p.address())) {
                return;
            }
        }
        for (XorPeerAddress p : peers) {
            a.permit(p.address().getAddress(), req.now + permissionLifetime);
        }
        req.succeed();
    }

    void channelBind(Request req, Allocation a) {
        if (a == null) {
            return;
        }
        Optional<ChannelNumber> number = req.msg.attribute(ChannelNumber.class);
        Optional<XorPeerAddress> peer = req.msg.attribute(XorPeerAddress.class);
        if (number.isEmpty() || number.get().number() < ChannelNumber.MIN || number.get().number() > maxChannel
                || peer.isEmpty()) {
            req.fail(TurnErrors.BAD_REQUEST, Refusal.BAD_REQUEST);
            return;
        }
        InetSocketAddress address = peer.get().address();
        if (!checkPeer(req, a, address)) {
            return;
        }
        int n = number.get().number();
        if (!a.canBind(n, address)) {
            // The channel is bound (or still reserved) to another peer, or the peer to another channel.
            req.fail(TurnErrors.BAD_REQUEST, Refusal.BAD_REQUEST);
            return;
        }
        long expires = req.now + channelLifetime;
        // After expiry the pair stays reserved for a permission lifetime (RFC 8656 §11: 5 minutes).
        a.bind(n, address, expires, expires + permissionLifetime);
        a.permit(address.getAddress(), req.now + permissionLifetime);
        req.succeed();
    }

    /** Address family and peer policy; answers 443 or 403 and returns false when refused. */
    boolean checkPeer(Request req, Allocation a, InetSocketAddress peer) {
        if (!a.hasFamilyOf(peer.getAddress())) {
            req.fail(TurnErrors.PEER_ADDRESS_FAMILY_MISMATCH, Refusal.ADDRESS_FAMILY);
            return false;
        }
        // Of the server's own addresses only another allocation's relayed address is a peer, for UDP allocations
        // (relay to relay, as WebRTC's relay-relay pairs need): named exactly, as ChannelBind does (a port-0
        // CreatePermission stays refused); the data path then sends on that IP only to relayed addresses in use.
        boolean relayToRelay = a.tcpRelay == null && ownRelayIps.contains(peer.getAddress()) && table.isRelayed(peer);
        if (!relayToRelay && !policy.permits(peer)) {
            req.fail(TurnErrors.FORBIDDEN, Refusal.FORBIDDEN_PEER);
            return false;
        }
        return true;
    }
}
