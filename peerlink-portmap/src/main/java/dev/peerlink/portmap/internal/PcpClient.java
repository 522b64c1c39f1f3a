package dev.peerlink.portmap.internal;

import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapException;
import dev.peerlink.portmap.PortMapException.Kind;
import dev.peerlink.portmap.Transport;
import dev.peerlink.portmap.internal.PcpMessage.MapData;
import dev.peerlink.portmap.internal.PcpMessage.Request;
import dev.peerlink.portmap.internal.PcpMessage.Response;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** PCP client (RFC 6887) for one gateway: MAP (create / renew / delete) and ANNOUNCE. Thread-safe, blocking. */
public final class PcpClient {
    public static final int PORT = 5351;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UdpExchange udp;
    private final Supplier<Retransmission> schedule;
    private final Duration deadline;
    private final EpochTracker epoch = new EpochTracker();
    private volatile boolean epochReset;

    public PcpClient(InetSocketAddress gateway, Supplier<Retransmission> schedule, Duration deadline) {
        this.udp = new UdpExchange(gateway, MappingProtocol.PCP);
        this.schedule = schedule;
        this.deadline = deadline;
    }

    public UdpExchange transport() {
        return udp;
    }

    public static byte[] newNonce() {
        byte[] n = new byte[PcpMessage.NONCE_SIZE];
        RANDOM.nextBytes(n);
        return n;
    }

    public boolean takeEpochReset() {
        boolean r = epochReset;
        epochReset = false;
        return r;
    }

    /** ANNOUNCE (section 14.1): a cheap "do you speak PCP?" that creates nothing. */
    public Response announce() throws PortMapException {
        Request req = new Request(PcpMessage.OP_ANNOUNCE, 0, udp.localAddress(), null, List.of());
        return udp.exchange(PcpCodec.encode(req), schedule.get(), deadline, d -> accept(d, PcpMessage.OP_ANNOUNCE, null));
    }

    /**
     * MAP: creates or renews (same nonce) the mapping of {@code internalPort}; lifetime 0 deletes it. The suggested
     * external address is {@code ::ffff:0.0.0.0} ("no preference") unless given.
     */
    public Response map(byte[] nonce, Transport transport, int internalPort, int suggestedExternalPort,
                        InetAddress suggestedExternalAddress, long lifetimeSeconds) throws PortMapException {
        InetAddress any = suggestedExternalAddress != null ? suggestedExternalAddress : NatPmpCodec.inet4(new byte[4]);
        MapData body = new MapData(nonce, transport.ipProtocolNumber(), internalPort, suggestedExternalPort, any);
        Request req = new Request(PcpMessage.OP_MAP, lifetimeSeconds, udp.localAddress(), body, List.of());
        return udp.exchange(PcpCodec.encode(req), schedule.get(), deadline, d -> accept(d, PcpMessage.OP_MAP, body));
    }

    private Response accept(byte[] d, int opcode, MapData sent) throws MalformedMessageException, PortMapException {
        if (d.length >= 4 && d[0] == 0) {
            // A NAT-PMP-only server answers "unsupported version" in NAT-PMP format (RFC 6887 section 9).
            throw new PortMapException(Kind.UNAVAILABLE, MappingProtocol.PCP, null,
                    "gateway speaks NAT-PMP (version 0), not PCP", null);
        }
        Response r = PcpCodec.decodeResponse(d);
        if (r.opcode() != opcode) {
            return null;
        }
        if (sent != null && r.map() != null
                && (!r.map().nonceEquals(sent.nonce()) || r.map().internalPort() != sent.internalPort()
                || r.map().protocol() != sent.protocol())) {
            return null; // another request's answer (section 11.3: match on nonce, protocol and internal port)
        }
        if (epoch.observe(r.epochSeconds())) {
            epochReset = true;
        }
        if (r.resultCode() != PcpMessage.SUCCESS) {
            Kind kind = r.resultCode() == PcpMessage.UNSUPP_VERSION || r.resultCode() == PcpMessage.UNSUPP_OPCODE
                    ? Kind.UNAVAILABLE : Kind.REFUSED;
            throw new PortMapException(kind, MappingProtocol.PCP, r.resultCode(), resultText(r.resultCode()), null);
        }
        return r;
    }

    static String resultText(int code) {
        return switch (code) {
            case PcpMessage.UNSUPP_VERSION -> "UNSUPP_VERSION";
            case PcpMessage.NOT_AUTHORIZED -> "NOT_AUTHORIZED";
            case PcpMessage.MALFORMED_REQUEST -> "MALFORMED_REQUEST";
            case PcpMessage.UNSUPP_OPCODE -> "UNSUPP_OPCODE";
            case PcpMessage.UNSUPP_OPTION -> "UNSUPP_OPTION";
            case PcpMessage.MALFORMED_OPTION -> "MALFORMED_OPTION";
            case PcpMessage.NETWORK_FAILURE -> "NETWORK_FAILURE";
            case PcpMessage.NO_RESOURCES -> "NO_RESOURCES";
            case PcpMessage.UNSUPP_PROTOCOL -> "UNSUPP_PROTOCOL";
            case PcpMessage.USER_EX_QUOTA -> "USER_EX_QUOTA";
            case PcpMessage.CANNOT_PROVIDE_EXTERNAL -> "CANNOT_PROVIDE_EXTERNAL";
            case PcpMessage.ADDRESS_MISMATCH -> "ADDRESS_MISMATCH";
            case PcpMessage.EXCESSIVE_REMOTE_PEERS -> "EXCESSIVE_REMOTE_PEERS";
            default -> "result code " + code;
        };
    }
}
