package dev.peerlink.portmap.internal;

import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapException;
import dev.peerlink.portmap.PortMapException.Kind;
import dev.peerlink.portmap.Transport;
import dev.peerlink.portmap.internal.NatPmpMessage.ErrorResponse;
import dev.peerlink.portmap.internal.NatPmpMessage.ExternalAddressRequest;
import dev.peerlink.portmap.internal.NatPmpMessage.ExternalAddressResponse;
import dev.peerlink.portmap.internal.NatPmpMessage.MapRequest;
import dev.peerlink.portmap.internal.NatPmpMessage.MapResponse;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;

/** NAT-PMP client (RFC 6886) for one gateway: external address, map, unmap. Thread-safe, blocking. */
public final class NatPmpClient {
    public static final int PORT = 5351;

    private final UdpExchange udp;
    private final Supplier<Retransmission> schedule;
    private final Duration deadline;
    private final EpochTracker epoch = new EpochTracker();
    private volatile boolean epochReset;

    public NatPmpClient(InetSocketAddress gateway, Supplier<Retransmission> schedule, Duration deadline) {
        this.udp = new UdpExchange(gateway, MappingProtocol.NAT_PMP);
        this.schedule = schedule;
        this.deadline = deadline;
    }

    public UdpExchange transport() {
        return udp;
    }

    /** True once after a response showed the gateway's epoch going back (state lost); clears the flag. */
    public boolean takeEpochReset() {
        boolean r = epochReset;
        epochReset = false;
        return r;
    }

    public Inet4Address externalAddress() throws PortMapException {
        ExternalAddressResponse r = udp.exchange(NatPmpCodec.encode(new ExternalAddressRequest()), schedule.get(), deadline,
                d -> match(d, NatPmpMessage.OP_EXTERNAL_ADDRESS, ExternalAddressResponse.class));
        return r.externalAddress();
    }

    /** Requests a mapping; {@code lifetimeSeconds == 0} deletes (with {@code suggestedExternalPort == 0}). */
    public MapResponse map(Transport transport, int internalPort, int suggestedExternalPort, long lifetimeSeconds)
            throws PortMapException {
        int op = transport.natPmpOpcode();
        return udp.exchange(NatPmpCodec.encode(new MapRequest(op, internalPort, suggestedExternalPort, lifetimeSeconds)),
                schedule.get(), deadline, d -> {
                    MapResponse r = match(d, op, MapResponse.class);
                    // A response for another internal port is for another request of ours (or stale): keep waiting.
                    return r != null && r.internalPort() == internalPort ? r : null;
                });
    }

    public void unmap(Transport transport, int internalPort) throws PortMapException {
        map(transport, internalPort, 0, 0);
    }

    private <T extends NatPmpMessage.Response> T match(byte[] d, int opcode, Class<T> type)
            throws MalformedMessageException, PortMapException {
        NatPmpMessage.Response r = NatPmpCodec.decodeResponse(d);
        if (r.opcode() != opcode) {
            return null;
        }
        if (epoch.observe(r.epochSeconds())) {
            epochReset = true;
        }
        if (r.resultCode() != NatPmpMessage.SUCCESS) {
            Kind kind = r.resultCode() == NatPmpMessage.UNSUPPORTED_VERSION || r.resultCode() == NatPmpMessage.UNSUPPORTED_OPCODE
                    ? Kind.UNAVAILABLE : Kind.REFUSED;
            throw new PortMapException(kind, MappingProtocol.NAT_PMP, r.resultCode(), resultText(r.resultCode()), null);
        }
        if (r instanceof ErrorResponse) {
            throw new MalformedMessageException(MalformedMessageException.Problem.TRUNCATED, "success without body");
        }
        return type.cast(r);
    }

    static String resultText(int code) {
        return switch (code) {
            case NatPmpMessage.UNSUPPORTED_VERSION -> "unsupported version";
            case NatPmpMessage.NOT_AUTHORIZED -> "not authorized / refused";
            case NatPmpMessage.NETWORK_FAILURE -> "network failure (gateway has no external address)";
            case NatPmpMessage.OUT_OF_RESOURCES -> "out of resources";
            case NatPmpMessage.UNSUPPORTED_OPCODE -> "unsupported opcode";
            default -> "result code " + code;
        };
    }
}
