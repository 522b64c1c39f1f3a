package dev.peerlink.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.function.LongSupplier;

/**
 * Server-side, transport-neutral logic of a deduplicated, resumable, verified upload:
 *
 * <ol>
 *   <li>{@link #start}: the sender offers a manifest; the server records a session and answers with a
 *       possession challenge over every chunk. Same answer whether the server holds anything or not.</li>
 *   <li>{@link #prove}: the sender answers; chunks the server holds <em>and</em> the sender proved are
 *       skipped, everything else must be uploaded ({@link Plan#needed()}).</li>
 *   <li>{@link #putChunk}, any order, any number of times: each chunk is hashed while stored and
 *       refused unless it matches the manifest; progress is persisted per chunk.</li>
 *   <li>{@link #finish}: only when every chunk is present and their concatenation hashes to the content
 *       id is the content recorded and the sender made an owner.</li>
 * </ol>
 * Everything lives in the {@link MetadataStore} and {@link BlobStore}: a new service on the same stores
 * (a restarted server) continues any session; {@link #resume} tells the sender what is still missing.
 * Calls of one session are expected from one sender at a time (the transport serialises them).
 */
public final class UploadService {
    /** Limits: largest content, the chunking parameters the server accepts, proof sampling. */
    public record Limits(long maxContentSize, ChunkingParams chunking, ProofOfPossession.Params proof) {
        public static final Limits DEFAULT = new Limits(4L << 30, ChunkingParams.DEFAULT, ProofOfPossession.Params.DEFAULT);
    }

    public record Started(String sessionId, PossessionChallenge challenge) {}

    /** What the sender still has to send: chunk indices and their total bytes. */
    public record Plan(String sessionId, ContentId contentId, BitSet needed, long bytesNeeded) {
        public boolean nothingToSend() {
            return needed.isEmpty();
        }
    }

    public record Finished(ContentId contentId, ContentId manifestId, long size) {}

    private final MetadataStore meta;
    private final BlobStore blobs;
    private final Limits limits;
    private final SecureRandom random;
    private final LongSupplier clock;

    public UploadService(MetadataStore meta, BlobStore blobs, Limits limits, SecureRandom random, LongSupplier clock) {
        this.meta = meta;
        this.blobs = blobs;
        this.limits = limits;
        this.random = random;
        this.clock = clock;
    }

    public Started start(String device, Manifest manifest) throws UploadException {
        return start(device, manifest, null, null);
    }

    /**
     * Starts a session carrying the transport's {@code context} (persisted with it). {@code preset}: a challenge
     * issued elsewhere for the same manifest (a private tier relays its central server's challenge so one proof
     * answers both); null draws a fresh one.
     */
    public Started start(String device, Manifest manifest, String context, PossessionChallenge preset) throws UploadException {
        if (manifest.size() > limits.maxContentSize()) {
            throw new UploadException(UploadException.Reason.BAD_MANIFEST, "content of " + manifest.size()
                    + " bytes exceeds the limit of " + limits.maxContentSize());
        }
        if (!manifest.params().equals(limits.chunking())) {
            throw new UploadException(UploadException.Reason.BAD_MANIFEST, "chunking " + manifest.params()
                    + " is not the server's " + limits.chunking());
        }
        PossessionChallenge challenge = preset != null ? checkedPreset(preset, manifest)
                : ProofOfPossession.challenge(manifest, limits.proof(), random);
        byte[] idBytes = new byte[16];
        random.nextBytes(idBytes);
        String id = "up_" + HexFormat.of().formatHex(idBytes);
        long now = clock.getAsLong();
        meta.createUpload(new UploadRecord(id, device, manifest, UploadRecord.State.CHALLENGED, challenge.encode(), null, now, now,
                context));
        return new Started(id, challenge);
    }

    private static PossessionChallenge checkedPreset(PossessionChallenge c, Manifest m) throws UploadException {
        for (PossessionChallenge.Range r : c.ranges()) {
            if (r.chunk() < 0 || r.chunk() >= m.chunkCount() || r.length() < 1) {
                throw new UploadException(UploadException.Reason.BAD_MANIFEST, "challenge range outside the manifest");
            }
            Manifest.Chunk k = m.chunk(r.chunk());
            if (r.offset() < k.offset() || r.offset() + r.length() > k.offset() + k.length()) {
                throw new UploadException(UploadException.Reason.BAD_MANIFEST, "challenge range outside its chunk");
            }
        }
        return c;
    }

    /** The persisted session (state, context, manifest) of this device. */
    public UploadRecord record(String device, String sessionId) throws UploadException {
        return session(device, sessionId);
    }

    /** Ends an open session without a content (sender gave up, or another tier took the delivery). */
    public void abandon(String device, String sessionId) throws UploadException, IOException {
        UploadRecord u = session(device, sessionId);
        if (u.state() == UploadRecord.State.CHALLENGED || u.state() == UploadRecord.State.UPLOADING) {
            fail(u);
        }
    }

    public Plan prove(String device, String sessionId, PossessionResponse response) throws UploadException, IOException {
        UploadRecord u = session(device, sessionId);
        if (u.state() != UploadRecord.State.CHALLENGED) {
            throw new UploadException(UploadException.Reason.WRONG_STATE, "session " + sessionId + " is " + u.state());
        }
        Manifest m = u.manifest();
        BitSet proven = ProofOfPossession.verify(PossessionChallenge.decode(u.challenge()), response, m,
                (index, offsetInChunk, length) -> {
                    ContentId chunk = m.chunk(index).id();
                    return blobs.contains(chunk) ? blobs.read(chunk, offsetInChunk, length) : null;
                });
        BitSet needed = new BitSet(m.chunkCount());
        needed.set(0, m.chunkCount());
        needed.andNot(proven);
        uploading.remove(sessionId);
        meta.setUploadState(sessionId, UploadRecord.State.UPLOADING, needed, clock.getAsLong());
        return new Plan(sessionId, m.contentId(), needed, m.bytesOf(needed));
    }

    /**
     * Stores chunk {@code index}, verified against the manifest. Chunks not in the plan are accepted too
     * (and verified), so the answer never depends on what the server holds.
     */
    public void putChunk(String device, String sessionId, int index, InputStream data) throws UploadException, IOException {
        UploadRecord u = uploading(device, sessionId);
        if (u.state() != UploadRecord.State.UPLOADING) {
            throw new UploadException(UploadException.Reason.WRONG_STATE, "session " + sessionId + " is " + u.state());
        }
        Manifest m = u.manifest();
        if (index < 0 || index >= m.chunkCount()) {
            throw new UploadException(UploadException.Reason.BAD_CHUNK_INDEX, "no chunk " + index + " in " + m.chunkCount());
        }
        Manifest.Chunk c = m.chunk(index);
        try {
            blobs.put(c.id(), data, c.length());
        } catch (BlobRejectedException e) {
            throw new UploadException(UploadException.Reason.CORRUPT_CHUNK, "chunk " + index + " refused: " + e.getMessage());
        }
        meta.chunkStored(sessionId, index, c.id(), c.length(), clock.getAsLong());
    }

    /** What is still missing: the planned chunks not yet received (all planned ones before the proof: none decided). */
    public Plan resume(String device, String sessionId) throws UploadException {
        UploadRecord u = session(device, sessionId);
        if (u.state() != UploadRecord.State.UPLOADING) {
            throw new UploadException(UploadException.Reason.WRONG_STATE, "session " + sessionId + " is " + u.state());
        }
        BitSet missing = (BitSet) u.needed().clone();
        missing.andNot(meta.receivedChunks(sessionId));
        return new Plan(sessionId, u.manifest().contentId(), missing, u.manifest().bytesOf(missing));
    }

    /** The challenge issued at start, again (a sender that lost it after a restart). */
    public PossessionChallenge challenge(String device, String sessionId) throws UploadException {
        return PossessionChallenge.decode(session(device, sessionId).challenge());
    }

    public Finished finish(String device, String sessionId) throws UploadException, IOException {
        UploadRecord u = session(device, sessionId);
        if (u.state() != UploadRecord.State.UPLOADING) {
            throw new UploadException(UploadException.Reason.WRONG_STATE, "session " + sessionId + " is " + u.state());
        }
        Manifest m = u.manifest();
        BitSet missing = (BitSet) u.needed().clone();
        missing.andNot(meta.receivedChunks(sessionId));
        if (!missing.isEmpty()) {
            throw new UploadException(UploadException.Reason.INCOMPLETE, missing.cardinality() + " chunks missing");
        }
        // A skipped chunk may have vanished since the proof (e.g. a failed session removed it): ask for it again.
        BitSet gone = m.missing(id -> {
            try {
                return blobs.contains(id);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (!gone.isEmpty()) {
            BitSet needed = (BitSet) u.needed().clone();
            needed.or(gone);
            uploading.remove(sessionId);
            meta.setUploadState(sessionId, UploadRecord.State.UPLOADING, needed, clock.getAsLong());
            throw new UploadException(UploadException.Reason.INCOMPLETE, gone.cardinality() + " chunks must be sent again");
        }
        ContentId manifestId = m.id();
        boolean known = meta.content(m.contentId()).map(stored -> stored.id().equals(manifestId)).orElse(false);
        if (!known && !StoredContent.verify(m, blobs)) {
            fail(u);
            throw new UploadException(UploadException.Reason.CONTENT_MISMATCH,
                    "chunks match the manifest but do not make up " + m.contentId() + "; session failed");
        }
        long now = clock.getAsLong();
        meta.putContent(m, now);
        meta.addOwner(device, m.contentId(), now);
        uploading.remove(sessionId);
        meta.setUploadState(sessionId, UploadRecord.State.COMPLETE, null, now);
        return new Finished(m.contentId(), manifestId, m.size());
    }

    /** Marks the session failed and removes the chunks it brought that no stored content references. */
    private void fail(UploadRecord u) throws IOException {
        uploading.remove(u.id());
        BitSet received = meta.receivedChunks(u.id());
        for (int i = received.nextSetBit(0); i >= 0; i = received.nextSetBit(i + 1)) {
            ContentId chunk = u.manifest().chunk(i).id();
            if (!meta.chunkReferenced(chunk)) {
                blobs.delete(chunk);
                meta.deleteChunk(chunk);
            }
        }
        meta.setUploadState(u.id(), UploadRecord.State.FAILED, null, clock.getAsLong());
    }

    /**
     * Sessions in the uploading state, by id: a chunk must not re-read and re-decode the session's manifest (0.5 MB for
     * 1 GiB) from the store each time. Every state change below drops the entry.
     */
    private final java.util.Map<String, UploadRecord> uploading = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, UploadRecord> e) {
                    return size() > 256;
                }
            });

    private UploadRecord uploading(String device, String sessionId) throws UploadException {
        UploadRecord u = uploading.get(sessionId);
        if (u == null || !u.device().equals(device)) {
            u = session(device, sessionId);
            if (u.state() == UploadRecord.State.UPLOADING) {
                uploading.put(sessionId, u);
            }
        }
        return u;
    }

    /** Puts a session back to uploading with {@code needed} (e.g. a tier that could not deliver after all). */
    public void replan(String device, String sessionId, BitSet needed) throws UploadException {
        session(device, sessionId);
        uploading.remove(sessionId);
        meta.setUploadState(sessionId, UploadRecord.State.UPLOADING, needed, clock.getAsLong());
    }

    private UploadRecord session(String device, String sessionId) throws UploadException {
        return meta.upload(sessionId).filter(u -> u.device().equals(device))
                .orElseThrow(() -> new UploadException(UploadException.Reason.UNKNOWN_SESSION, "no upload session " + sessionId));
    }
}
