package dev.peerlink.stun.server.internal;

import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunDecodeException;
import dev.peerlink.stun.StunDecoder;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.ErrorCode;
import dev.peerlink.stun.server.StunMethodHandler;
import dev.peerlink.stun.server.StunReply;
import dev.peerlink.stun.server.StunRequest.Protocol;
import dev.peerlink.stun.server.StunServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transport-independent request processing: garbage filter, rate limit, decode, dispatch by method,
 * encode, amplification check. Thread-safe and shared by all IO threads; never throws.
 */
public final class StunEngine {
    private static final Logger LOG = LoggerFactory.getLogger(StunEngine.class);

    private final SocketLayout layout;
    private final StunDecoder decoder;
    private final StunDecoder classicDecoder; // null when RFC 3489 requests are not answered
    private final RateLimiter limiter;
    private final ServerCounters counters;
    private final int maxMessageSize;
    private final Map<StunMethod, StunMethodHandler> handlers;
    private final FastBinding fastBinding;

    public StunEngine(StunServerConfig config, SocketLayout layout, ServerCounters counters) {
        this.layout = layout;
        this.decoder = new StunDecoder(config.attributes());
        this.classicDecoder = config.classic() ? StunDecoder.classicTolerant(config.attributes()) : null;
        this.limiter = new RateLimiter(config.ratePerSecond(), config.rateBurst(), config.rateTableSize());
        this.counters = counters;
        this.maxMessageSize = config.maxMessageSize();
        Map<StunMethod, StunMethodHandler> h = new HashMap<>(config.handlers());
        BindingHandler binding = new BindingHandler(config.software());
        h.put(StunMethod.BINDING, binding);
        this.handlers = Map.copyOf(h);
        this.fastBinding = new FastBinding(layout, binding);
    }

    public FastBinding fastBinding() {
        return fastBinding;
    }

    /**
     * Rate limit and counters for a request answered by {@link FastBinding}: true means answer it.
     * The caller counts the response with {@link #responded()} once it has one.
     */
    public boolean admitFast(InetAddress source) {
        if (!limiter.tryAcquire(source, System.nanoTime())) {
            counters.rateLimited.increment();
            return false;
        }
        counters.requests.increment();
        return true;
    }

    public void responded() {
        counters.responses.increment();
    }

    public ServerCounters counters() {
        return counters;
    }

    public int maxMessageSize() {
        return maxMessageSize;
    }

    /** Handles one datagram or TCP frame {@code data[off, off+len)} from {@code source}. */
    public Outbound process(byte[] data, int off, int len, InetSocketAddress source, int localIndex, Protocol protocol) {
        // RFC 3489 clients only ever used UDP (3489's TCP was TLS for Shared Secret, long gone).
        boolean classic = classicDecoder != null && protocol == Protocol.UDP
                && StunDecoder.looksLikeClassicBinding(data, off, len);
        if (len > maxMessageSize || !(classic || StunDecoder.looksLikeStun(data, off, len))) {
            counters.garbage.increment();
            return Outbound.GARBAGE;
        }
        // Before decoding: a flood from one source should cost as little as possible.
        if (!limiter.tryAcquire(source.getAddress(), System.nanoTime())) {
            counters.rateLimited.increment();
            return Outbound.NONE;
        }
        StunMessage msg;
        try {
            msg = (classic ? classicDecoder : decoder).decode(data, off, len);
        } catch (StunDecodeException e) {
            counters.garbage.increment();
            return Outbound.GARBAGE;
        }
        StunClass cls = msg.messageClass();
        if (cls.isResponse()) {
            counters.garbage.increment(); // nobody here sent a request
            return Outbound.GARBAGE;
        }
        RequestContext request = new RequestContext(msg, len, source, localIndex, protocol, layout);
        StunMethodHandler handler = handlers.get(msg.method());
        if (cls == StunClass.INDICATION) {
            counters.indications.increment();
            if (handler != null) {
                invoke(handler, request);
            }
            return Outbound.NONE;
        }
        counters.requests.increment();
        StunReply reply;
        List<Integer> unknown = msg.unknownComprehensionRequired(decoder.registry());
        if (!unknown.isEmpty()) {
            reply = ErrorReplies.unknownAttributes(msg, unknown);
        } else if (handler == null) {
            reply = ErrorReplies.error(msg, ErrorCode.BAD_REQUEST);
        } else {
            reply = invoke(handler, request);
        }
        return reply == null ? Outbound.NONE : encode(reply, request);
    }

    private StunReply invoke(StunMethodHandler handler, RequestContext request) {
        try {
            return handler.handle(request);
        } catch (RuntimeException e) {
            LOG.debug("{} handler failed for {}", request.message().method(), request.source(), e);
            return null;
        }
    }

    private Outbound encode(StunReply reply, RequestContext request) {
        int sender = layout.sender(request.localIndex(), reply.changeIp(), reply.changePort());
        if (sender < 0) {
            LOG.debug("reply asks for an alternate socket this server does not have");
            return Outbound.NONE;
        }
        byte[] bytes;
        try {
            bytes = StunEncoder.standard().encode(reply.message(), reply.protection());
        } catch (RuntimeException e) {
            LOG.debug("cannot encode reply to {}", request.source(), e);
            return Outbound.NONE;
        }
        if (bytes.length > request.maxReplyLength()) {
            counters.amplificationRefused.increment();
            return Outbound.NONE;
        }
        InetSocketAddress to = request.source();
        if (reply.responsePort() != 0) {
            to = new InetSocketAddress(to.getAddress(), reply.responsePort());
        }
        counters.responses.increment();
        return new Outbound(bytes, sender, to);
    }
}
