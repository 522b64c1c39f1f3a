package dev.peerlink.portmap.internal;

import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapException;
import dev.peerlink.portmap.PortMapException.Kind;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicReference;

/** PCP MAP behind the facade. The external address is whatever the last MAP response assigned. */
public final class PcpBackend implements MappingBackend {
    private final PcpClient client;
    private final PcpClient probeClient;
    private final AtomicReference<InetAddress> lastExternal = new AtomicReference<>();

    public PcpBackend(PcpClient client, PcpClient probeClient) {
        this.client = client;
        this.probeClient = probeClient;
    }

    @Override
    public MappingProtocol protocol() {
        return MappingProtocol.PCP;
    }

    @Override
    public void probe() throws PortMapException {
        probeClient.announce();
    }

    @Override
    public InetAddress internalAddress() throws PortMapException {
        return client.transport().localAddress();
    }

    @Override
    public Grant map(Handle h, int suggestedExternalPort, long leaseSeconds) throws PortMapException {
        PcpMessage.Response r = client.map(h.nonce, h.transport, h.internalPort, suggestedExternalPort, lastExternal.get(),
                leaseSeconds);
        if (r.map() == null || r.map().externalPort() == 0) {
            throw new PortMapException(Kind.MALFORMED, MappingProtocol.PCP, "MAP success without an external port");
        }
        lastExternal.set(r.map().externalAddress());
        h.externalPort = r.map().externalPort();
        return new Grant(r.map().externalAddress(), r.map().externalPort(), r.lifetimeSeconds());
    }

    @Override
    public void unmap(Handle h) throws PortMapException {
        client.map(h.nonce, h.transport, h.internalPort, 0, null, 0);
    }

    @Override
    public InetAddress externalAddress() throws PortMapException {
        InetAddress a = lastExternal.get();
        // PCP has no "what is my address" opcode; ANNOUNCE at least refreshes the epoch check.
        probeClient.announce();
        if (probeClient.takeEpochReset()) {
            client.takeEpochReset();
            resetSeen = true;
        }
        if (a == null) {
            throw new PortMapException(Kind.UNAVAILABLE, MappingProtocol.PCP, "no mapping yet, external address unknown");
        }
        return a;
    }

    private volatile boolean resetSeen;

    @Override
    public boolean takeEpochReset() {
        boolean r = resetSeen | client.takeEpochReset() | probeClient.takeEpochReset();
        resetSeen = false;
        return r;
    }
}
