package dev.peerlink.turn.client.internal;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.AlternateServer;
import dev.peerlink.stun.attribute.ErrorCode;
import dev.peerlink.stun.client.StunTimeoutException;
import dev.peerlink.turn.TurnErrors;
import dev.peerlink.turn.client.AllocationMismatchException;
import dev.peerlink.turn.client.AllocationQuotaReachedException;
import dev.peerlink.turn.client.InsufficientCapacityException;
import dev.peerlink.turn.client.TurnAuthenticationException;
import dev.peerlink.turn.client.TurnException;
import dev.peerlink.turn.client.TryAlternateException;
import dev.peerlink.turn.client.TurnTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs one authenticated TURN request to success or a typed failure: answers the 401 challenge
 * once, retries 438 Stale Nonce with the fresh nonce, and turns error codes into exceptions.
 * Every retry is a new transaction (new ID), as RFC 8489 §9.2.5 asks.
 */
public final class Transactor {
    /** A server that keeps rotating the nonce faster than we can use it is broken; stop after this many. */
    static final int MAX_STALE_NONCE_RETRIES = 3;

    private final ServerLink link;
    private final LongTermAuth auth;
    private final Counters counters;

    public Transactor(ServerLink link, LongTermAuth auth, Counters counters) {
        this.link = link;
        this.auth = auth;
        this.counters = counters;
    }

    /** Runs the request; {@code attributes} adds the method's own attributes to each attempt. */
    public StunMessage run(StunMethod method, Consumer<StunMessage.Builder> attributes) throws TurnException {
        return run(method, attributes, null);
    }

    /** As {@link #run(StunMethod, Consumer)}, giving up after {@code maxWait} per attempt when not null. */
    public StunMessage run(StunMethod method, Consumer<StunMessage.Builder> attributes, Duration maxWait)
            throws TurnException {
        int staleRetries = 0;
        while (true) {
            StunMessage.Builder b = StunMessage.request(method);
            attributes.accept(b);
            boolean credentialed = auth.ready();
            MessageProtection protection = auth.apply(b);
            StunMessage response = await(method, link.transact(b.build(), protection), maxWait);
            if (!auth.verify(response)) {
                throw new TurnException(method + " response failed its integrity check", 0);
            }
            if (response.messageClass() == StunClass.SUCCESS_RESPONSE) {
                return response;
            }
            ErrorCode error = response.attribute(ErrorCode.class)
                    .orElseThrow(() -> new TurnException(method + " error response without ERROR-CODE", 0));
            int code = error.code();
            if (code == TurnErrors.UNAUTHENTICATED && !credentialed && auth.learn(response)) {
                continue;
            }
            if (code == TurnErrors.STALE_NONCE && staleRetries < MAX_STALE_NONCE_RETRIES && auth.learn(response)) {
                staleRetries++;
                counters.staleNonceRetries.incrementAndGet();
                continue;
            }
            throw exception(method, error, response, credentialed);
        }
    }

    static TurnException exception(StunMethod method, ErrorCode error, StunMessage response, boolean credentialed) {
        String msg = method + " failed: " + error.code() + " " + error.reason();
        return switch (error.code()) {
            case TurnErrors.TRY_ALTERNATE -> tryAlternate(msg, response, credentialed);
            case TurnErrors.UNAUTHENTICATED, TurnErrors.WRONG_CREDENTIALS ->
                    new TurnAuthenticationException(msg, error.code());
            case TurnErrors.ALLOCATION_MISMATCH -> new AllocationMismatchException(msg);
            case TurnErrors.ALLOCATION_QUOTA_REACHED -> new AllocationQuotaReachedException(msg);
            case TurnErrors.INSUFFICIENT_CAPACITY -> new InsufficientCapacityException(msg);
            default -> new TurnException(msg, error.code());
        };
    }

    /**
     * A 300's ALTERNATE-SERVER is trusted when the response passed the integrity check, or when our request was bare
     * (coturn redirects the first, unauthenticated Allocate, before any challenge). A 300 without integrity to a signed
     * request is what an off-path forger would send (RFC 8489 §10): reported without an address.
     */
    private static TryAlternateException tryAlternate(String msg, StunMessage response, boolean credentialed) {
        boolean trusted = !credentialed || response.has(AttributeType.MESSAGE_INTEGRITY)
                || response.has(AttributeType.MESSAGE_INTEGRITY_SHA256);
        var alternate = response.attribute(AlternateServer.class).map(AlternateServer::address);
        if (alternate.isPresent() && !trusted) {
            return new TryAlternateException(msg + " (ALTERNATE-SERVER without MESSAGE-INTEGRITY ignored)", null);
        }
        return new TryAlternateException(msg + alternate.map(a -> " to " + a).orElse(" without ALTERNATE-SERVER"),
                alternate.orElse(null));
    }

    private static StunMessage await(StunMethod method, CompletableFuture<StunMessage> f, Duration maxWait)
            throws TurnException {
        try {
            return maxWait == null ? f.get() : f.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            f.cancel(false);
            Thread.currentThread().interrupt();
            throw new TurnException(method + " interrupted", e);
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new TurnTimeoutException(method + ": no response within " + maxWait, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof StunTimeoutException || c instanceof TimeoutException) {
                throw new TurnTimeoutException(method + ": no response from the TURN server", c);
            }
            throw new TurnException(method + " failed: " + c, c);
        }
    }
}
