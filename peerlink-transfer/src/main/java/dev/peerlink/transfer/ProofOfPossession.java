package dev.peerlink.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Proof of possession per chunk. The verifier challenges {@code rangesPerChunk} random ranges of
 * {@code rangeLength} bytes (or the whole chunk if shorter) in <em>every</em> chunk of the claimed
 * manifest, with a fresh nonce; the prover hashes {@code nonce || range} from its copy; the verifier
 * checks the ranges of the chunks it holds against its own blobs. A chunk counts as proven only if the
 * verifier holds it and every range of it matched.
 *
 * <p><b>No oracle.</b> {@link #challenge} looks only at the claimed manifest and the random source, never
 * at the store, so its shape (which chunks, how long each range) is the same whether the content is held
 * or not. The outcome the sender sees is "upload these chunks", and a chunk is left out only when it was
 * both held and proven: someone who cannot answer for a chunk must upload it whether or not it is held,
 * so a non-owner learns nothing. Residual channels (timing of verification, and a sender who truly
 * holds a guessed low-entropy chunk learning it is stored) are discussed in docs/transfer.md.
 */
public final class ProofOfPossession {
    /** How much each chunk is sampled. Default 2 x 2 KiB per chunk: ~6% of a 64 KiB chunk read per proof. */
    public record Params(int rangesPerChunk, int rangeLength) {
        public static final Params DEFAULT = new Params(2, 2048);

        public Params {
            if (rangesPerChunk < 1 || rangesPerChunk > 64 || rangeLength < 1) {
                throw new IllegalArgumentException("need 1..64 ranges per chunk and a positive range length");
            }
        }
    }

    /** Random access to the prover's copy of the content. */
    @FunctionalInterface
    public interface RangeSource {
        byte[] read(long offset, int length) throws IOException;

        static RangeSource of(byte[] content) {
            return (offset, length) -> java.util.Arrays.copyOfRange(content, Math.toIntExact(offset), Math.toIntExact(offset + length));
        }

        /** Reads ranges from a file (opened per call; a client answers one challenge, so this stays simple). */
        static RangeSource of(Path file) {
            return (offset, length) -> {
                byte[] out = new byte[length];
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    ByteBuffer bb = ByteBuffer.wrap(out);
                    while (bb.hasRemaining()) {
                        if (ch.read(bb, offset + bb.position()) < 0) {
                            throw new java.io.EOFException("file shorter than challenged range");
                        }
                    }
                }
                return out;
            };
        }
    }

    /** The verifier's copy, chunk by chunk: bytes of chunk {@code index} at {@code offsetInChunk}, or null when not held. */
    @FunctionalInterface
    public interface HeldChunks {
        byte[] read(int index, long offsetInChunk, int length) throws IOException;
    }

    private ProofOfPossession() {}

    /** A challenge for the claimed manifest; depends on nothing the verifier stores. */
    public static PossessionChallenge challenge(Manifest claimed, Params params, SecureRandom random) {
        byte[] nonce = new byte[PossessionChallenge.NONCE_LENGTH];
        random.nextBytes(nonce);
        List<PossessionChallenge.Range> ranges = new ArrayList<>(claimed.chunkCount() * params.rangesPerChunk());
        for (int i = 0; i < claimed.chunkCount(); i++) {
            Manifest.Chunk c = claimed.chunk(i);
            int len = Math.min(params.rangeLength(), c.length());
            for (int k = 0; k < params.rangesPerChunk(); k++) {
                long at = c.offset() + random.nextInt(c.length() - len + 1);
                ranges.add(new PossessionChallenge.Range(i, at, len));
            }
        }
        return new PossessionChallenge(nonce, ranges);
    }

    /** The prover's side. */
    public static PossessionResponse respond(PossessionChallenge challenge, RangeSource content) throws IOException {
        byte[] nonce = challenge.nonce();
        List<byte[]> out = new ArrayList<>(challenge.ranges().size());
        for (PossessionChallenge.Range r : challenge.ranges()) {
            out.add(answer(nonce, content.read(r.offset(), r.length())));
        }
        return new PossessionResponse(out);
    }

    static byte[] answer(byte[] nonce, byte[] bytes) {
        MessageDigest md = Sha256.newDigest();
        md.update(nonce);
        md.update(bytes);
        return md.digest();
    }

    /**
     * The verifier's side: the chunks that are held and whose every range was answered correctly. A
     * response of the wrong shape proves nothing. Comparisons are constant-time.
     */
    public static BitSet verify(PossessionChallenge challenge, PossessionResponse response, Manifest claimed, HeldChunks held)
            throws IOException {
        BitSet proven = new BitSet(claimed.chunkCount());
        List<PossessionChallenge.Range> ranges = challenge.ranges();
        if (response.digests().size() != ranges.size()) {
            return proven;
        }
        BitSet failed = new BitSet(claimed.chunkCount());
        byte[] nonce = challenge.nonce();
        for (int i = 0; i < ranges.size(); i++) {
            PossessionChallenge.Range r = ranges.get(i);
            if (failed.get(r.chunk())) {
                continue;
            }
            Manifest.Chunk c = claimed.chunk(r.chunk());
            byte[] mine = held.read(r.chunk(), r.offset() - c.offset(), r.length());
            byte[] theirs = response.digests().get(i);
            if (mine == null || theirs == null || !MessageDigest.isEqual(answer(nonce, mine), theirs)) {
                failed.set(r.chunk());
                proven.clear(r.chunk());
            } else {
                proven.set(r.chunk());
            }
        }
        return proven;
    }
}
