package dev.peerlink.transfer;

import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * Transfer metadata: stored contents (with their manifests and chunk lists), chunks, which device owns
 * which content, deliveries and resumable upload sessions. Every method is durable when it returns.
 * The default is {@link SqliteMetadataStore}; {@link PostgresMetadataStore} keeps the same data on a PostgreSQL
 * server (both pass the same contract tests). Errors surface as {@link StoreException}.
 */
public interface MetadataStore extends AutoCloseable {
    /** Records a verified content and its chunk list; idempotent. */
    void putContent(Manifest manifest, long now);

    Optional<Manifest> content(ContentId id);

    /** A stored content's size in bytes, without reading its manifest (inbox listings and delivery notices). */
    default java.util.OptionalLong contentSize(ContentId id) {
        return content(id).map(m -> java.util.OptionalLong.of(m.size())).orElse(java.util.OptionalLong.empty());
    }

    /** Records a verified chunk blob; idempotent. */
    void putChunk(ContentId chunk, int size, long now);

    boolean hasChunk(ContentId chunk);

    /** True when some stored content lists this chunk (it must not be garbage-collected). */
    boolean chunkReferenced(ContentId chunk);

    /** Removes a chunk record (the caller deletes the blob). */
    void deleteChunk(ContentId chunk);

    void addOwner(String device, ContentId content, long now);

    boolean isOwner(String device, ContentId content);

    List<ContentId> ownedBy(String device);

    /** Creates a pending delivery; {@code name} may be null. */
    long createDelivery(ContentId content, String senderDevice, String targetDevice, String name, long now);

    Optional<Delivery> delivery(long id);

    /** Pending deliveries to a device, oldest first. */
    List<Delivery> pendingFor(String targetDevice);

    /** Counts one more delivery attempt. */
    void deliveryAttempted(long id, long now);

    /**
     * Counts one more attempt only if the delivery is still pending and nobody counted one since {@code seenUpdatedAt}:
     * of several server instances retrying the same delivery, exactly one gets true. One process: always true.
     */
    default boolean claimAttempt(long id, long seenUpdatedAt, long now) {
        deliveryAttempted(id, now);
        return true;
    }

    /**
     * Pending deliveries last touched at or before {@code before}, oldest first, at most {@code limit}: what a retry
     * pass picks up whichever instance created them (one that died leaves them here). One process: none needed.
     */
    default List<Delivery> pendingDue(long before, int limit) {
        return List.of();
    }

    void setDeliveryState(long id, Delivery.State state, long now);

    void createUpload(UploadRecord upload);

    Optional<UploadRecord> upload(String id);

    void setUploadState(String id, UploadRecord.State state, BitSet needed, long now);

    /** Replaces the session's transport context (e.g. a private tier records that its central server took over). */
    void setUploadContext(String id, String context, long now);

    /** Marks a chunk of the session received; idempotent. */
    void chunkReceived(String id, int index, long now);

    BitSet receivedChunks(String id);

    /**
     * A verified chunk blob of a session was stored: {@link #putChunk} and {@link #chunkReceived} together. Stores
     * that can do both in one transaction should (one durable commit per chunk instead of two).
     */
    default void chunkStored(String session, int index, ContentId chunk, int size, long now) {
        putChunk(chunk, size, now);
        chunkReceived(session, index, now);
    }

    /** Sessions of a device that are neither complete nor failed. */
    List<String> openUploads(String device);

    /** Open (challenged or uploading) sessions not updated since {@code before}, oldest first, at most {@code limit}. */
    List<String> staleUploads(long before, int limit);

    /**
     * Chunks created before {@code before} that no stored content references: garbage of abandoned or failed
     * uploads. (An open session whose chunk is collected gets it re-requested at finish.) At most {@code limit}.
     */
    List<ContentId> orphanChunks(long before, int limit);

    /** Adds {@code bytes} to a device's usage for {@code day} (days since the epoch, UTC); returns the new total. */
    long addUsage(String device, long day, long bytes);

    /** A device's usage for {@code day}; 0 when none. */
    long usage(String device, long day);

    @Override
    void close();

    /** An unchecked storage failure (the store's own exception is the cause). */
    final class StoreException extends RuntimeException {
        public StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
