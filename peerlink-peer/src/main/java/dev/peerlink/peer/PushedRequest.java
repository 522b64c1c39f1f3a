package dev.peerlink.peer;

import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.PeerRef;
import java.util.concurrent.CompletableFuture;

/** A connect request the server pushed ({@code incoming}) or listed ({@code pending}), answered through the client. */
final class PushedRequest implements IncomingRequest {
    /** Sends the {@code answer} for a session and completes when the server took it. */
    interface Answerer {
        CompletableFuture<Void> answer(String session, boolean accept, JsonBlob answer, String reason);
    }

    private final String session;
    private final PeerRef from;
    private final JsonBlob offer;
    private final Answerer answerer;

    PushedRequest(String session, PeerRef from, JsonBlob offer, Answerer answerer) {
        this.session = session;
        this.from = from;
        this.offer = offer;
        this.answerer = answerer;
    }

    @Override
    public String session() {
        return session;
    }

    @Override
    public PeerRef from() {
        return from;
    }

    @Override
    public JsonBlob offer() {
        return offer;
    }

    @Override
    public CompletableFuture<Void> accept(JsonBlob answer) {
        return answerer.answer(session, true, answer, null);
    }

    @Override
    public CompletableFuture<Void> reject(String reason) {
        return answerer.answer(session, false, JsonBlob.EMPTY, reason);
    }
}
