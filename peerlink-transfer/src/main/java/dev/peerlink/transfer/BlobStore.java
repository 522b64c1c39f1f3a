package dev.peerlink.transfer;

import java.io.IOException;
import java.io.InputStream;

/**
 * A content-addressed blob store: a blob is stored under the sha256 of its bytes and nowhere else.
 * Implementations verify the hash while streaming and store nothing that does not match. Puts are
 * idempotent. The default is {@link FileBlobStore}; an S3-compatible store fits the same interface.
 */
public interface BlobStore {
    /** What a put did. Internal: never tell a remote party which one happened (it would be a dedup oracle). */
    enum PutOutcome { STORED, ALREADY_PRESENT }

    /**
     * Reads {@code data} to its end (not closed), verifying that it hashes to {@code expected} and is at most
     * {@code maxSize} bytes, then makes it visible atomically. The stream is always consumed fully up to the
     * limit, even when the blob is already present, so a put costs the same either way.
     *
     * @throws BlobRejectedException on a hash mismatch or size overrun; nothing is stored
     */
    PutOutcome put(ContentId expected, InputStream data, long maxSize) throws IOException, BlobRejectedException;

    boolean contains(ContentId id) throws IOException;

    /** Size in bytes, or -1 when absent. */
    long size(ContentId id) throws IOException;

    /** Opens the blob for reading; {@link java.nio.file.NoSuchFileException} when absent. */
    InputStream open(ContentId id) throws IOException;

    /** Reads exactly {@code len} bytes at {@code offset} of the blob (for proofs of possession). */
    byte[] read(ContentId id, long offset, int len) throws IOException;

    /** Removes the blob; false when it was not there. */
    boolean delete(ContentId id) throws IOException;
}
