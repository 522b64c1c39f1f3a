package dev.peerlink.peer.internal;

import dev.peerlink.peer.SignallingException;
import dev.peerlink.protocol.ErrorCode;
import dev.peerlink.protocol.Message;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The signalling client's requests waiting for the server's answer, matched by rid; each fails on its own timeout.
 * Confined to the client's thread ({@code exec}), like the connection it belongs to.
 */
public final class PendingReplies {
    private record Pending(CompletableFuture<Message> future, ScheduledFuture<?> timeout) {}

    private final ScheduledExecutorService exec;
    private final AtomicLong rids = new AtomicLong();
    private final Map<String, Pending> pending = new HashMap<>();

    public PendingReplies(ScheduledExecutorService exec) {
        this.exec = exec;
    }

    /** A fresh request id (base 36, unique for this client). */
    public String nextRid() {
        return Long.toString(rids.incrementAndGet(), 36);
    }

    /** Waits for the answer to {@code m} (which the caller then sends); fails with {@code timeout} after it. */
    public CompletableFuture<Message> expect(Message m, Duration timeout) {
        String rid = ridOf(m);
        CompletableFuture<Message> f = new CompletableFuture<>();
        ScheduledFuture<?> t = exec.schedule(() -> {
            Pending p = pending.remove(rid);
            if (p != null) {
                p.future().completeExceptionally(new SignallingException(ErrorCode.TIMEOUT, "no answer to " + m.type() + " in " + timeout));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        pending.put(rid, new Pending(f, t));
        return f;
    }

    /** Completes the request {@code m} answers (an error answer fails it); false when none waits for it. */
    public boolean answer(Message m) {
        String rid = ridOf(m);
        Pending p = rid == null ? null : pending.remove(rid);
        if (p == null) {
            return false;
        }
        p.timeout().cancel(false);
        if (m instanceof Message.Error e) {
            p.future().completeExceptionally(new SignallingException(e.code(), e.message()));
        } else {
            p.future().complete(m);
        }
        return true;
    }

    /** Fails every waiting request with {@code e} (the connection ended). */
    public void failAll(SignallingException e) {
        for (Pending p : pending.values()) {
            p.timeout().cancel(false);
            p.future().completeExceptionally(e);
        }
        pending.clear();
    }

    public static String ridOf(Message m) {
        return switch (m) {
            case Message.Register r -> r.rid();
            case Message.Registered r -> r.rid();
            case Message.Update u -> u.rid();
            case Message.Ok o -> o.rid();
            case Message.Ping p -> p.rid();
            case Message.Pong p -> p.rid();
            case Message.Connect c -> c.rid();
            case Message.Answer a -> a.rid();
            case Message.Answered a -> a.rid();
            case Message.Signal s -> s.rid();
            case Message.Pending p -> p.rid();
            case Message.PendingList p -> p.rid();
            case Message.Share s -> s.rid();
            case Message.LadderReport r -> r.rid();
            case Message.Error e -> e.rid();
            default -> null;
        };
    }
}
