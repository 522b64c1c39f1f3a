package dev.peerlink.peer;

import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.PeerRef;
import java.util.concurrent.CompletableFuture;

/**
 * Another device asks for a session (pushed by the server as {@code incoming}, or pulled from the
 * pending list). Answer exactly once.
 */
public interface IncomingRequest {
    String session();

    /** The initiator as the server vouches for it: device id and public key to pin. */
    PeerRef from();

    /** The initiator's offer, verbatim ({@link dev.peerlink.protocol.Offer#from} reads the standard fields). */
    JsonBlob offer();

    CompletableFuture<Void> accept(JsonBlob answer);

    CompletableFuture<Void> reject(String reason);
}
