package dev.peerlink.peer;

import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapException;
import dev.peerlink.portmap.PortMapping;
import dev.peerlink.portmap.Transport;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fake gateway on loopback. A UDP "mapping" is a socket the test owns on 127.0.0.1:external that forwards every
 * datagram to 127.0.0.1:internal, like a NAT's port forward; {@link #breakMapping} closes that socket while the mapping
 * stays "listed" (fault (a): the rule is gone behind the gateway's back) and refuses that external port afterwards,
 * so a remap gets a new one. A TCP mapping is the internal port itself (no forwarding).
 */
final class ForwardingGateway implements MappingKeeper.Gateway {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    final Map<Integer, DatagramSocket> forwarders = new ConcurrentHashMap<>();
    final Set<Integer> burned = ConcurrentHashMap.newKeySet();
    volatile int maps;

    @Override
    public PortMapping map(Transport transport, int internalPort, int requestedExternalPort, Duration lease) throws PortMapException {
        maps++;
        InetSocketAddress internal = new InetSocketAddress(LOOPBACK, internalPort);
        if (transport == Transport.TCP) {
            return new PortMapping(MappingProtocol.UPNP, transport, internal, internal, lease, Instant.now());
        }
        if (burned.contains(requestedExternalPort)) {
            throw new PortMapException(PortMapException.Kind.REFUSED, MappingProtocol.UPNP, 718, "ConflictInMappingEntry", null);
        }
        DatagramSocket ext;
        try {
            // on loopback the internal port is taken by the device itself: any port then
            ext = new DatagramSocket(new InetSocketAddress(LOOPBACK, requestedExternalPort == internalPort ? 0 : requestedExternalPort));
        } catch (SocketException e) {
            try {
                ext = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            } catch (SocketException e2) {
                throw new PortMapException(PortMapException.Kind.IO, MappingProtocol.UPNP, e2.getMessage());
            }
        }
        DatagramSocket s = ext;
        forwarders.put(s.getLocalPort(), s);
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[1500];
            try (DatagramSocket out = new DatagramSocket()) {
                while (!s.isClosed()) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    out.send(new DatagramPacket(p.getData(), p.getLength(), internal));
                }
            } catch (IOException ignored) {
                // closed
            }
        });
        return new PortMapping(MappingProtocol.UPNP, transport, internal, new InetSocketAddress(LOOPBACK, s.getLocalPort()),
                lease, Instant.now());
    }

    @Override
    public void unmap(PortMapping mapping) {
        DatagramSocket s = forwarders.remove(mapping.external().getPort());
        if (s != null) {
            s.close();
        }
    }

    /** Stops forwarding {@code externalPort} without deleting the mapping, and refuses that port from now on. */
    void breakMapping(int externalPort) {
        burned.add(externalPort);
        DatagramSocket s = forwarders.get(externalPort);
        if (s != null) {
            s.close();
        }
    }
}
