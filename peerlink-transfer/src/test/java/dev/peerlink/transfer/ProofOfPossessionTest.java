package dev.peerlink.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProofOfPossessionTest {
    static final ProofOfPossession.Params P = ProofOfPossession.Params.DEFAULT;

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static ProofOfPossession.HeldChunks heldFrom(Manifest m, byte[] content) {
        return (i, off, len) -> java.util.Arrays.copyOfRange(content, (int) (m.chunk(i).offset() + off), (int) (m.chunk(i).offset() + off + len));
    }

    static final ProofOfPossession.HeldChunks NOTHING = (i, off, len) -> null;

    @Test
    void ownerProvesEveryHeldChunk() throws Exception {
        byte[] data = random(1, 1_500_000);
        Manifest m = Manifest.build(data, ChunkingParams.DEFAULT);
        PossessionChallenge c = ProofOfPossession.challenge(m, P, new SecureRandom());
        assertThat(c.ranges()).hasSize(m.chunkCount() * P.rangesPerChunk());
        assertThat(c.ranges()).allSatisfy(r -> {
            Manifest.Chunk chunk = m.chunk(r.chunk());
            assertThat(r.offset()).isGreaterThanOrEqualTo(chunk.offset());
            assertThat(r.offset() + r.length()).isLessThanOrEqualTo(chunk.offset() + chunk.length());
        });
        PossessionResponse resp = ProofOfPossession.respond(c, ProofOfPossession.RangeSource.of(data));
        BitSet all = new BitSet();
        all.set(0, m.chunkCount());
        assertThat(ProofOfPossession.verify(c, resp, m, heldFrom(m, data))).isEqualTo(all);
        // a chunk the verifier does not hold is never "proven"
        assertThat(ProofOfPossession.verify(c, resp, m, NOTHING)).isEqualTo(new BitSet());
        // a replayed response to a new challenge (new nonce, new ranges) proves nothing
        PossessionChallenge c2 = ProofOfPossession.challenge(m, P, new SecureRandom());
        assertThat(ProofOfPossession.verify(c2, resp, m, heldFrom(m, data))).isEqualTo(new BitSet());
    }

    @Test
    void senderWithOnlyTheCodeAndManifestProvesNothing() throws Exception {
        byte[] data = random(2, 1_000_000);
        Manifest m = Manifest.build(data, ChunkingParams.DEFAULT);
        PossessionChallenge c = ProofOfPossession.challenge(m, P, new SecureRandom());
        // all it can do: hash what it knows (the ids) or guess
        List<byte[]> guesses = new ArrayList<>();
        for (PossessionChallenge.Range r : c.ranges()) {
            guesses.add(ProofOfPossession.answer(c.nonce(), m.chunk(r.chunk()).id().digest()));
        }
        assertThat(ProofOfPossession.verify(c, new PossessionResponse(guesses), m, heldFrom(m, data))).isEqualTo(new BitSet());
        // and a partial owner (one chunk altered) proves all but that chunk
        byte[] partial = data.clone();
        for (long i = m.chunk(3).offset(); i < m.chunk(3).offset() + m.chunk(3).length(); i++) {
            partial[(int) i] ^= 0x11;
        }
        BitSet proven = ProofOfPossession.verify(c, ProofOfPossession.respond(c, ProofOfPossession.RangeSource.of(partial)), m,
                heldFrom(m, data));
        assertThat(proven.get(3)).isFalse();
        assertThat(proven.cardinality()).isEqualTo(m.chunkCount() - 1);
        // a response of the wrong length proves nothing
        assertThat(ProofOfPossession.verify(c, new PossessionResponse(guesses.subList(1, guesses.size())), m, heldFrom(m, data)))
                .isEqualTo(new BitSet());
    }

    @Test
    void challengeDependsOnlyOnTheManifestAndTheRandomSource() throws Exception {
        // The challenge API takes no store at all; with the same random stream it is byte-identical,
        // so "held" and "not held" cannot be told apart from it.
        Manifest m = Manifest.build(random(3, 800_000), ChunkingParams.DEFAULT);
        SecureRandom a = SecureRandom.getInstance("SHA1PRNG");
        a.setSeed(42);
        SecureRandom b = SecureRandom.getInstance("SHA1PRNG");
        b.setSeed(42);
        assertThat(ProofOfPossession.challenge(m, P, a).encode()).isEqualTo(ProofOfPossession.challenge(m, P, b).encode());
        PossessionChallenge c = ProofOfPossession.challenge(m, P, new SecureRandom());
        assertThat(PossessionChallenge.decode(c.encode()).encode()).isEqualTo(c.encode());
    }

    @Test
    void shortChunksAreChallengedWhole() throws Exception {
        byte[] data = random(4, 1000);
        Manifest m = Manifest.build(data, ChunkingParams.DEFAULT);
        PossessionChallenge c = ProofOfPossession.challenge(m, P, new SecureRandom());
        assertThat(c.ranges()).allSatisfy(r -> assertThat(r).isEqualTo(new PossessionChallenge.Range(0, 0, 1000)));
    }
}
