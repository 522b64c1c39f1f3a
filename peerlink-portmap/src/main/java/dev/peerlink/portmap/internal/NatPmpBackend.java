package dev.peerlink.portmap.internal;

import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapException;
import java.net.InetAddress;

/** NAT-PMP behind the facade. */
public final class NatPmpBackend implements MappingBackend {
    private final NatPmpClient client;
    private final NatPmpClient probeClient;

    public NatPmpBackend(NatPmpClient client, NatPmpClient probeClient) {
        this.client = client;
        this.probeClient = probeClient;
    }

    @Override
    public MappingProtocol protocol() {
        return MappingProtocol.NAT_PMP;
    }

    @Override
    public void probe() throws PortMapException {
        probeClient.externalAddress();
    }

    @Override
    public InetAddress internalAddress() throws PortMapException {
        return client.transport().localAddress();
    }

    @Override
    public Grant map(Handle h, int suggestedExternalPort, long leaseSeconds) throws PortMapException {
        NatPmpMessage.MapResponse r = client.map(h.transport, h.internalPort, suggestedExternalPort, leaseSeconds);
        InetAddress ext = client.externalAddress();
        h.externalPort = r.externalPort();
        return new Grant(ext, r.externalPort(), r.lifetimeSeconds());
    }

    @Override
    public void unmap(Handle h) throws PortMapException {
        client.unmap(h.transport, h.internalPort);
    }

    @Override
    public InetAddress externalAddress() throws PortMapException {
        return client.externalAddress();
    }

    @Override
    public boolean takeEpochReset() {
        return client.takeEpochReset() | probeClient.takeEpochReset();
    }
}
