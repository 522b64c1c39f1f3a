package dev.peerlink.turn.server.internal;

import dev.peerlink.turn.server.Refusal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The associations of one DTLS listener socket, by client address (the rest of the 5-tuple is the socket's), on
 * its event loop. State is made only for a ClientHello that echoes a valid cookie: the first ClientHello of a source
 * is answered by a throwaway engine's HelloVerifyRequest and forgotten (RFC 6347 §4.2.1), so spoofed sources cannot
 * pin state. The JDK's cookie is a keyed hash of the ClientHello, not of the source address, so a cookie obtained
 * once could be replayed from spoofed sources: one pending handshake per cookie stops that, the cap and the
 * handshake timeout bound the rest.
 */
final class DtlsAssociations {
    /** Limits shared by the listeners: the cap counts associations on every DTLS socket. */
    record Limits(int max, long handshakeTimeoutNanos, long idleTimeoutNanos) {}

    private final SSLContext context;
    private final Counters counters;
    private final Limits limits;
    private final Map<InetSocketAddress, DtlsAssociation> byClient = new HashMap<>();
    private final Set<ByteBuffer> pendingCookies = new HashSet<>();

    DtlsAssociations(SSLContext context, Counters counters, Limits limits) {
        this.context = context;
        this.counters = counters;
        this.limits = limits;
    }

    DtlsAssociation get(InetSocketAddress client) {
        return byClient.get(client);
    }

    int size() {
        return byClient.size();
    }

    /**
     * A datagram from a source without an association. Returns the new association when it carried a ClientHello
     * with a valid cookie (its first flight is in {@code out}), else null: a HelloVerifyRequest in {@code out} for a
     * ClientHello without cookie, nothing for anything else (counted).
     */
    DtlsAssociation admit(InetSocketAddress client, ByteBuf datagram, long now, List<ByteBuf> out) {
        DtlsRecords.ClientHello hello = DtlsRecords.clientHello(datagram);
        if (hello == null) {
            counters.refused(Refusal.DTLS_UNEXPECTED); // garbage, or records of an association we do not have
            return null;
        }
        if (!hello.offersDtls12()) {
            // DTLS 1.0 (RFC 8996 deprecates it; the JDK has it disabled): say so at once, the client may retry with 1.2.
            out.add(DtlsRecords.protocolVersionAlert(hello));
            counters.refused(Refusal.DTLS_VERSION);
            return null;
        }
        if (!hello.hasCookie()) {
            helloVerify(client, datagram, now, out);
            return null;
        }
        ByteBuffer cookie = ByteBuffer.wrap(ByteBufUtil.getBytes(datagram,
                datagram.readerIndex() + hello.cookieLengthAt() + 1, hello.cookieLength()));
        if (pendingCookies.contains(cookie)) {
            counters.refused(Refusal.DTLS_BAD_COOKIE);
            return null;
        }
        if (counters.dtlsAssociations.get() >= limits.max()) {
            counters.refused(Refusal.DTLS_ASSOCIATION_LIMIT);
            return null;
        }
        DtlsAssociation a = new DtlsAssociation(DtlsContexts.engine(context, client), now, cookie.array());
        List<ByteBuf> flight = new ArrayList<>();
        try {
            // The engine must see the exchange it would have had: the cookie-less ClientHello, its own
            // HelloVerifyRequest (the client has one already, so it is dropped), then the ClientHello with the cookie.
            ByteBuf first = DtlsRecords.withoutCookie(datagram, hello);
            try {
                a.receive(first, now, new ArrayList<>(), flight);
            } finally {
                first.release();
            }
            release(flight);
            a.receive(datagram, now, new ArrayList<>(), flight);
        } catch (SSLException e) {
            release(flight);
            counters.refused(Refusal.DTLS_HANDSHAKE_FAILED);
            return null;
        }
        if (flight.isEmpty() || DtlsRecords.firstHandshakeType(flight.get(0)) == DtlsRecords.HELLO_VERIFY_REQUEST) {
            release(flight); // a forged or expired cookie: the engine wants another round, which costs us nothing
            counters.refused(Refusal.DTLS_BAD_COOKIE);
            return null;
        }
        out.addAll(flight);
        byClient.put(client, a);
        pendingCookies.add(cookie);
        counters.dtlsAssociations.incrementAndGet();
        return a;
    }

    /**
     * A throwaway engine answers the cookie-less ClientHello; nothing of it is kept. A ClientHello the engine refuses
     * (no common cipher) gets the engine's fatal alert when it has one, no larger than the hello.
     */
    private void helloVerify(InetSocketAddress client, ByteBuf datagram, long now, List<ByteBuf> out) {
        List<ByteBuf> reply = new ArrayList<>(1);
        DtlsAssociation probe = new DtlsAssociation(DtlsContexts.engine(context, client), now, null);
        try {
            probe.receive(datagram, now, new ArrayList<>(), reply);
        } catch (SSLException e) {
            release(reply);
            probe.alert(reply);
            counters.refused(Refusal.DTLS_HANDSHAKE_FAILED);
            if (reply.size() == 1 && reply.get(0).readableBytes() <= datagram.readableBytes()) {
                out.add(reply.get(0));
            } else {
                release(reply);
            }
            return;
        }
        if (reply.size() == 1 && DtlsRecords.firstHandshakeType(reply.get(0)) == DtlsRecords.HELLO_VERIFY_REQUEST) {
            out.add(reply.get(0));
            counters.refused(Refusal.DTLS_HELLO_VERIFY);
        } else {
            release(reply); // the JDK skipped the cookie exchange (it never does for a full handshake): keep no state
            counters.refused(Refusal.DTLS_HANDSHAKE_FAILED);
        }
    }

    /** The handshake finished: its cookie may be used again (it will not be: the client's next hello differs). */
    void established(DtlsAssociation a) {
        if (a.cookie() != null) {
            pendingCookies.remove(ByteBuffer.wrap(a.cookie()));
        }
    }

    /** Forgets {@code client}'s association; the caller sends what {@code out} holds (a close_notify). */
    DtlsAssociation remove(InetSocketAddress client, List<ByteBuf> out) {
        DtlsAssociation a = byClient.remove(client);
        if (a != null) {
            forget(a);
            a.close(out);
        }
        return a;
    }

    private void forget(DtlsAssociation a) {
        established(a);
        counters.dtlsAssociations.decrementAndGet();
    }

    /**
     * Drops handshakes older than the handshake timeout and established associations idle for the idle timeout whose
     * client holds no allocation ({@code inUse}). Returns the clients dropped, for the caller to close.
     */
    List<Map.Entry<InetSocketAddress, DtlsAssociation>> sweep(long now, Predicate<DtlsAssociation> inUse) {
        List<Map.Entry<InetSocketAddress, DtlsAssociation>> dropped = new ArrayList<>();
        for (Iterator<Map.Entry<InetSocketAddress, DtlsAssociation>> it = byClient.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<InetSocketAddress, DtlsAssociation> e = it.next();
            DtlsAssociation a = e.getValue();
            boolean stale;
            if (!a.established()) {
                stale = now - a.createdNanos() > limits.handshakeTimeoutNanos();
                if (stale) {
                    counters.refused(Refusal.DTLS_HANDSHAKE_TIMEOUT);
                }
            } else {
                stale = now - a.lastSeenNanos() > limits.idleTimeoutNanos() && !inUse.test(a);
            }
            if (stale) {
                it.remove();
                forget(a);
                dropped.add(Map.entry(e.getKey(), a));
            }
        }
        return dropped;
    }

    private static void release(List<ByteBuf> bufs) {
        bufs.forEach(ByteBuf::release);
        bufs.clear();
    }
}
