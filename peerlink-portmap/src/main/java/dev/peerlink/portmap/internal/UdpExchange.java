package dev.peerlink.portmap.internal;

import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapException;
import dev.peerlink.portmap.PortMapException.Kind;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;

/**
 * The UDP transport of NAT-PMP and PCP: one request, retransmitted on a {@link Retransmission} schedule until a
 * datagram the caller accepts arrives from the gateway, the schedule ends, or the deadline passes. The socket is
 * connected, so only the gateway's datagrams are seen and an ICMP port unreachable ends the exchange at once.
 */
public final class UdpExchange {
    /** Decides about one received datagram: return a value to finish, {@code null} to keep waiting (stale / foreign). */
    @FunctionalInterface
    public interface Matcher<T> {
        T match(byte[] datagram) throws MalformedMessageException, PortMapException;
    }

    private final InetSocketAddress server;
    private final MappingProtocol protocol;

    public UdpExchange(InetSocketAddress server, MappingProtocol protocol) {
        this.server = server;
        this.protocol = protocol;
    }

    public InetSocketAddress server() {
        return server;
    }

    /** The local address a socket towards the gateway gets (PCP's client address, the mapping's internal address). */
    public InetAddress localAddress() throws PortMapException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(server);
            return s.getLocalAddress();
        } catch (IOException e) {
            throw new PortMapException(Kind.IO, protocol, null, "no route to " + server + ": " + e, e);
        }
    }

    public <T> T exchange(byte[] request, Retransmission schedule, Duration deadline, Matcher<T> matcher)
            throws PortMapException {
        long end = System.nanoTime() + deadline.toNanos();
        MalformedMessageException lastMalformed = null;
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(server);
            byte[] buf = new byte[PcpMessage.MAX_SIZE + 4];
            for (int attempt = 0; ; attempt++) {
                Duration rt = schedule.timeout(attempt);
                long now = System.nanoTime();
                if (rt == null || now >= end) {
                    break;
                }
                socket.send(new DatagramPacket(request, request.length));
                long attemptEnd = Math.min(end, now + rt.toNanos());
                while (true) {
                    long left = attemptEnd - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, Duration.ofNanos(left).toMillis())));
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(p);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    byte[] d = Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
                    try {
                        T t = matcher.match(d);
                        if (t != null) {
                            return t;
                        }
                    } catch (MalformedMessageException e) {
                        lastMalformed = e; // a broken or hostile gateway: keep listening, report if nothing better comes
                    }
                }
            }
        } catch (PortUnreachableException e) {
            throw new PortMapException(Kind.UNAVAILABLE, protocol, null, "port unreachable at " + server, e);
        } catch (IOException e) {
            throw new PortMapException(Kind.IO, protocol, null, "UDP exchange with " + server + " failed: " + e, e);
        }
        if (lastMalformed != null) {
            throw new PortMapException(Kind.MALFORMED, protocol, null, "only malformed answers from " + server + ": "
                    + lastMalformed.getMessage(), lastMalformed);
        }
        throw new PortMapException(Kind.TIMEOUT, protocol, "no answer from " + server + " within " + deadline.toMillis() + " ms");
    }
}
