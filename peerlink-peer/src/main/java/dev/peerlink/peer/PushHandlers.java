package dev.peerlink.peer;

import dev.peerlink.protocol.Message;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the signalling client hands what the server sends unasked (incoming connects, signals, delivery notices,
 * remap orders, sharing requests) and its registrations. A failing handler is logged, never allowed to end the
 * connection. Handlers are set and called on the client's thread; the extra registration listeners from any thread.
 */
final class PushHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(PushHandlers.class);

    Consumer<IncomingRequest> incoming = r -> r.reject("no handler");
    Consumer<Message.Signal> signal = s -> { };
    Consumer<Message.Registered> registered = r -> { };
    final List<Consumer<Message.Registered>> extraRegistered = new CopyOnWriteArrayList<>();
    Consumer<Message.Share> share = s -> LOG.debug("{} from the server, no sharing handler", s.kind());
    Consumer<Message.Delivery> delivery = d -> LOG.info("delivery {} from {} waits ({})", d.delivery(), d.from(),
            d.server() != null ? d.server() : "this server");
    Consumer<Message.Remap> remap = r -> LOG.info("remap of {} ordered but nothing keeps mappings", r.mapping().external());

    private final PushedRequest.Answerer answerer;

    PushHandlers(PushedRequest.Answerer answerer) {
        this.answerer = Objects.requireNonNull(answerer);
    }

    /** Hands {@code m} to its handler; false when it is not a pushed message (an answer, an error, the challenge). */
    boolean dispatch(Message m) {
        switch (m) {
            case Message.Incoming i -> incoming(new PushedRequest(i.session(), i.from(), i.offer(), answerer));
            case Message.Signal s -> call(signal, s, "signal");
            case Message.Delivery d -> call(delivery, d, "delivery");
            case Message.Remap r -> call(remap, r, "remap");
            case Message.Share s when s.rid() == null -> call(share, s, "sharing");
            default -> {
                return false;
            }
        }
        return true;
    }

    /** A listed ({@code pending}) request, answered like a pushed one. */
    IncomingRequest request(Message.PendingItem i) {
        return new PushedRequest(i.session(), i.from(), i.offer(), answerer);
    }

    void registered(Message.Registered r) {
        call(registered, r, "registered");
        for (Consumer<Message.Registered> l : extraRegistered) {
            call(l, r, "registered");
        }
    }

    private void incoming(IncomingRequest r) {
        try {
            incoming.accept(r);
        } catch (RuntimeException e) {
            LOG.warn("incoming handler failed", e);
            r.reject("handler failed");
        }
    }

    private static <T> void call(Consumer<T> handler, T m, String what) {
        try {
            handler.accept(m);
        } catch (RuntimeException e) {
            LOG.warn("{} handler failed", what, e);
        }
    }
}
