package dev.peerlink.testkit.netns;

import java.net.InetAddress;

/** The public server: two addresses on one interface, as an RFC 5780 STUN server needs. */
public final class ServerHost extends Host {
    private final InetAddress alternate;

    ServerHost(String name, Netns ns, InetAddress primary, InetAddress alternate, Wire peer) {
        super(name, ns, primary, HostKind.SERVER, HostKind.SERVER.label(), peer);
        this.alternate = alternate;
    }

    public InetAddress primaryAddress() {
        return address();
    }

    /** Second public address (RFC 5780 OTHER-ADDRESS). */
    public InetAddress alternateAddress() {
        return alternate;
    }
}
