package dev.peerlink.portmap.internal;

import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapException;
import dev.peerlink.portmap.PortMapException.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * UPnP IGD behind the facade: discovers the gateway's WAN connection service once (SSDP, description), then
 * AddAnyPortMapping (IGD v2) or AddPortMapping with the 725 / 718 / 724 fallbacks.
 */
public final class UpnpBackend implements MappingBackend {
    /** IGD v2 caps leases at one week; longer requests are refused with 402 by strict gateways. */
    static final long MAX_LEASE = 604800;
    private static final int CONFLICT_RETRIES = 8;

    private final InetAddress gateway;
    private final int ssdpPort;
    private final Duration discoveryTimeout;
    private final HttpLite.Limits limits;
    private final String description;
    private volatile UpnpClient client;
    private volatile InetAddress localAddress;
    private volatile URI fixedLocation;

    public UpnpBackend(InetAddress gateway, int ssdpPort, Duration discoveryTimeout, HttpLite.Limits limits, String description) {
        this.gateway = gateway;
        this.ssdpPort = ssdpPort;
        this.discoveryTimeout = discoveryTimeout;
        this.limits = limits;
        this.description = description;
    }

    /** Skips SSDP and uses this description URL (tests, or a gateway known from configuration). */
    public UpnpBackend location(URI location) {
        this.fixedLocation = location;
        return this;
    }

    @Override
    public MappingProtocol protocol() {
        return MappingProtocol.UPNP;
    }

    @Override
    public void probe() throws PortMapException {
        client();
    }

    /** The discovered service client (discovering on first use). */
    public UpnpClient client() throws PortMapException {
        UpnpClient c = client;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (client == null) {
                client = discover();
            }
            return client;
        }
    }

    /** Forgets the discovered service so the next call discovers again (after the gateway restarted). */
    public void forget() {
        client = null;
    }

    private UpnpClient discover() throws PortMapException {
        if (fixedLocation != null) {
            return UpnpClient.fromLocation(fixedLocation, limits);
        }
        List<URI> locations;
        try {
            locations = Ssdp.discover(gateway, ssdpPort, internalAddress(), discoveryTimeout, 1);
        } catch (IOException e) {
            throw new PortMapException(Kind.IO, MappingProtocol.UPNP, null, "SSDP search failed: " + e, e);
        }
        if (locations.isEmpty()) {
            throw new PortMapException(Kind.UNAVAILABLE, MappingProtocol.UPNP,
                    "no Internet Gateway Device answered SSDP within " + discoveryTimeout.toMillis() + " ms");
        }
        PortMapException last = null;
        // Prefer a device on the gateway itself: another LAN box answering SSDP cannot map on the gateway.
        locations.sort((a, b) -> Boolean.compare(!gateway.getHostAddress().equals(a.getHost()),
                !gateway.getHostAddress().equals(b.getHost())));
        for (URI loc : locations) {
            try {
                return UpnpClient.fromLocation(loc, limits);
            } catch (PortMapException e) {
                last = e;
            }
        }
        throw last;
    }

    @Override
    public InetAddress internalAddress() throws PortMapException {
        InetAddress a = localAddress;
        if (a == null) {
            a = new UdpExchange(new java.net.InetSocketAddress(gateway, 1900), MappingProtocol.UPNP).localAddress();
            localAddress = a;
        }
        return a;
    }

    @Override
    public Grant map(Handle h, int suggestedExternalPort, long leaseSeconds) throws PortMapException {
        UpnpClient c = client();
        InetAddress self = internalAddress();
        long lease = Math.min(leaseSeconds, MAX_LEASE);
        int port = h.externalPort != 0 ? h.externalPort : suggestedExternalPort != 0 ? suggestedExternalPort : h.internalPort;
        boolean tryAny = c.service().igd2() && h.externalPort == 0;
        PortMapException last = null;
        for (int attempt = 0; attempt < CONFLICT_RETRIES + 2; attempt++) {
            try {
                int granted;
                if (tryAny) {
                    granted = c.addAnyPortMapping(h.transport, port, self, h.internalPort, description, lease);
                } else {
                    c.addPortMapping(h.transport, port, self, h.internalPort, description, lease);
                    granted = port;
                }
                h.externalPort = granted;
                return new Grant(externalOrUnknown(c), granted, lease);
            } catch (PortMapException e) {
                last = e;
                int code = e.code().orElse(-1);
                if (code == UpnpClient.ERR_ONLY_PERMANENT_LEASES && lease != 0) {
                    lease = 0; // 725: the gateway takes only permanent leases; we refresh by re-adding
                } else if (code == UpnpClient.ERR_CONFLICT || code == UpnpClient.ERR_CONFLICT_WITH_OTHER_MECHANISMS) {
                    if (c.service().igd2() && !tryAny) {
                        tryAny = true; // 718: let the gateway choose
                    } else {
                        port = 1024 + ThreadLocalRandom.current().nextInt(65535 - 1024);
                    }
                } else if (code == UpnpClient.ERR_SAME_PORT_VALUES_REQUIRED && port != h.internalPort) {
                    port = h.internalPort;
                } else if (code == UpnpClient.ERR_EXTERNAL_PORT_ONLY_WILDCARD && port != 0) {
                    port = 0;
                } else if (tryAny && (code == 401 || code == 602)) {
                    tryAny = false; // Invalid Action / Optional Action Not Implemented: no AddAnyPortMapping after all
                } else if (e.kind() == Kind.REFUSED && code == UpnpClient.ERR_INVALID_ARGS && lease > 0 && lease != 3600) {
                    lease = 3600; // a gateway unhappy with the lease value
                } else {
                    throw e;
                }
            }
        }
        throw last;
    }

    private InetAddress externalOrUnknown(UpnpClient c) {
        try {
            return c.externalAddress();
        } catch (PortMapException e) {
            return NatPmpCodec.inet4(new byte[4]);
        }
    }

    @Override
    public void unmap(Handle h) throws PortMapException {
        if (h.externalPort != 0) {
            client().deletePortMapping(h.transport, h.externalPort);
        }
    }

    @Override
    public InetAddress externalAddress() throws PortMapException {
        return client().externalAddress();
    }

    @Override
    public boolean stillListed(Handle h) throws PortMapException {
        if (h.externalPort == 0) {
            return false;
        }
        return client().getSpecificPortMappingEntry(h.transport, h.externalPort)
                .filter(e -> e.internalPort() == h.internalPort)
                .isPresent();
    }
}
