package dev.peerlink.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadServiceTest {
    @TempDir
    Path dir;

    final AtomicLong clock = new AtomicLong(1_000);
    final List<AutoCloseable> open = new ArrayList<>();

    /** One server's stores; {@link #restart} reopens them from disk. */
    final class Server {
        final Path root;
        SqliteMetadataStore meta;
        FileBlobStore blobs;
        UploadService uploads;

        Server(String name) throws IOException {
            root = dir.resolve(name);
            restart();
        }

        void restart() throws IOException {
            if (meta != null) {
                meta.close();
            }
            meta = SqliteMetadataStore.open(root.resolve("transfer.db"));
            open.add(meta);
            blobs = FileBlobStore.open(root.resolve("blobs"), 1 << 20);
            uploads = new UploadService(meta, blobs, UploadService.Limits.DEFAULT, new SecureRandom(), clock::incrementAndGet);
        }

        /** A full honest send: start, prove, upload what is needed, finish. Returns the bytes uploaded. */
        long send(String device, byte[] data) throws Exception {
            Manifest m = Manifest.build(data, ChunkingParams.DEFAULT);
            UploadService.Started s = uploads.start(device, m);
            UploadService.Plan plan = uploads.prove(device, s.sessionId(),
                    ProofOfPossession.respond(s.challenge(), ProofOfPossession.RangeSource.of(data)));
            long sent = 0;
            for (int i = plan.needed().nextSetBit(0); i >= 0; i = plan.needed().nextSetBit(i + 1)) {
                uploads.putChunk(device, s.sessionId(), i, chunk(data, m, i));
                sent += m.chunk(i).length();
            }
            assertThat(sent).isEqualTo(plan.bytesNeeded());
            UploadService.Finished f = uploads.finish(device, s.sessionId());
            assertThat(f.contentId()).isEqualTo(ContentId.of(data));
            return sent;
        }
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static InputStream chunk(byte[] data, Manifest m, int i) {
        return new ByteArrayInputStream(data, (int) m.chunk(i).offset(), m.chunk(i).length());
    }

    static PossessionResponse wrongAnswers(PossessionChallenge c) {
        List<byte[]> d = new ArrayList<>();
        for (int i = 0; i < c.ranges().size(); i++) {
            d.add(new byte[32]);
        }
        return new PossessionResponse(d);
    }

    @Test
    void firstSendUploadsEverythingDuplicateFromAnotherOwnerUploadsNothing() throws Exception {
        Server s = new Server("central");
        byte[] data = random(1, 3_000_000);
        assertThat(s.send("alice", data)).isEqualTo(data.length);
        assertThat(s.send("bob", data)).isZero();
        assertThat(s.meta.isOwner("alice", ContentId.of(data))).isTrue();
        assertThat(s.meta.isOwner("bob", ContentId.of(data))).isTrue();
        Manifest stored = s.meta.content(ContentId.of(data)).orElseThrow();
        try (InputStream in = StoredContent.open(stored, s.blobs)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void senderWhoKnowsOnlyTheCodeIsRefused() throws Exception {
        Server s = new Server("central");
        byte[] secret = random(2, 2_000_000);
        s.send("alice", secret);
        ContentId code = ContentId.of(secret);

        // 1. Mallory has the true manifest but not the bytes: the proof fails, she must upload every chunk,
        //    which she cannot.
        Manifest real = Manifest.build(secret, ChunkingParams.DEFAULT);
        UploadService.Started st = s.uploads.start("mallory", real);
        UploadService.Plan plan = s.uploads.prove("mallory", st.sessionId(), wrongAnswers(st.challenge()));
        assertThat(plan.needed().cardinality()).isEqualTo(real.chunkCount());
        assertThatThrownBy(() -> s.uploads.finish("mallory", st.sessionId()))
                .isInstanceOfSatisfying(UploadException.class, e -> assertThat(e.reason()).isEqualTo(UploadException.Reason.INCOMPLETE));

        // 2. Mallory knows only the code: she forges a manifest claiming it over bytes of her own. Every chunk she
        //    sends matches her manifest, but the whole does not hash to the code: refused, her chunks removed.
        byte[] junk = random(3, 100_000);
        Manifest ownChunks = Manifest.build(junk, ChunkingParams.DEFAULT);
        Manifest forged = new Manifest(code, ownChunks.size(), ownChunks.params(), ownChunks.chunks());
        UploadService.Started f = s.uploads.start("mallory", forged);
        UploadService.Plan fp = s.uploads.prove("mallory", f.sessionId(), wrongAnswers(f.challenge()));
        for (int i = fp.needed().nextSetBit(0); i >= 0; i = fp.needed().nextSetBit(i + 1)) {
            s.uploads.putChunk("mallory", f.sessionId(), i, chunk(junk, ownChunks, i));
        }
        assertThatThrownBy(() -> s.uploads.finish("mallory", f.sessionId()))
                .isInstanceOfSatisfying(UploadException.class, e -> assertThat(e.reason()).isEqualTo(UploadException.Reason.CONTENT_MISMATCH));
        assertThat(s.meta.isOwner("mallory", code)).isFalse();
        assertThat(s.blobs.contains(ownChunks.chunk(0).id())).isFalse();
        assertThat(s.meta.upload(f.sessionId()).orElseThrow().state()).isEqualTo(UploadRecord.State.FAILED);
        // the real content is untouched
        try (InputStream in = StoredContent.open(s.meta.content(code).orElseThrow(), s.blobs)) {
            assertThat(in.readAllBytes()).isEqualTo(secret);
        }
    }

    @Test
    void answersToANonOwnerAreTheSameWhetherTheContentIsHeldOrNot() throws Exception {
        byte[] data = random(4, 2_500_000);
        Manifest m = Manifest.build(data, ChunkingParams.DEFAULT);
        Server holds = new Server("holds");
        holds.send("alice", data);
        Server empty = new Server("empty");

        UploadService.Started a = holds.uploads.start("mallory", m);
        UploadService.Started b = empty.uploads.start("mallory", m);
        // same shape: same chunks, same range lengths, same nonce length; only the random parts differ
        assertThat(shape(a.challenge())).isEqualTo(shape(b.challenge()));
        assertThat(a.sessionId()).hasSameSizeAs(b.sessionId());

        UploadService.Plan pa = holds.uploads.prove("mallory", a.sessionId(), wrongAnswers(a.challenge()));
        UploadService.Plan pb = empty.uploads.prove("mallory", b.sessionId(), wrongAnswers(b.challenge()));
        assertThat(pa.needed()).isEqualTo(pb.needed());
        assertThat(pa.bytesNeeded()).isEqualTo(pb.bytesNeeded()).isEqualTo(data.length);
        // guessing a held chunk's bytes fails exactly like guessing a chunk nobody holds
        byte[] guess = random(40, m.chunk(0).length());
        Throwable ea = org.assertj.core.api.Assertions.catchThrowable(
                () -> holds.uploads.putChunk("mallory", a.sessionId(), 0, new ByteArrayInputStream(guess)));
        Throwable eb = org.assertj.core.api.Assertions.catchThrowable(
                () -> empty.uploads.putChunk("mallory", b.sessionId(), 0, new ByteArrayInputStream(guess)));
        assertThat(ea).isInstanceOf(UploadException.class).hasMessage(eb.getMessage());
        assertThat(((UploadException) ea).reason()).isEqualTo(((UploadException) eb).reason());
        // and so does finishing without the bytes
        Throwable fa = org.assertj.core.api.Assertions.catchThrowable(() -> holds.uploads.finish("mallory", a.sessionId()));
        Throwable fb = org.assertj.core.api.Assertions.catchThrowable(() -> empty.uploads.finish("mallory", b.sessionId()));
        assertThat(fa).hasMessage(fb.getMessage());
        assertThat(holds.meta.isOwner("mallory", m.contentId())).isFalse();
    }

    static List<String> shape(PossessionChallenge c) {
        List<String> out = new ArrayList<>();
        out.add("nonce:" + c.nonce().length);
        for (PossessionChallenge.Range r : c.ranges()) {
            out.add(r.chunk() + ":" + r.length());
        }
        return out;
    }

    @Test
    void corruptChunkIsRejectedAndNotStored() throws Exception {
        Server s = new Server("central");
        byte[] data = random(5, 600_000);
        Manifest m = Manifest.build(data, ChunkingParams.DEFAULT);
        UploadService.Started st = s.uploads.start("alice", m);
        s.uploads.prove("alice", st.sessionId(), ProofOfPossession.respond(st.challenge(), ProofOfPossession.RangeSource.of(data)));
        byte[] bad = data.clone();
        bad[(int) m.chunk(2).offset() + 17] ^= 1;
        assertThatThrownBy(() -> s.uploads.putChunk("alice", st.sessionId(), 2, chunk(bad, m, 2)))
                .isInstanceOfSatisfying(UploadException.class, e -> assertThat(e.reason()).isEqualTo(UploadException.Reason.CORRUPT_CHUNK));
        // a chunk longer than the manifest says is refused too
        byte[] longer = java.util.Arrays.copyOfRange(data, (int) m.chunk(2).offset(), (int) m.chunk(2).offset() + m.chunk(2).length() + 1);
        assertThatThrownBy(() -> s.uploads.putChunk("alice", st.sessionId(), 2, new ByteArrayInputStream(longer)))
                .isInstanceOfSatisfying(UploadException.class, e -> assertThat(e.reason()).isEqualTo(UploadException.Reason.CORRUPT_CHUNK));
        assertThat(s.blobs.contains(m.chunk(2).id())).isFalse();
        assertThat(s.meta.receivedChunks(st.sessionId()).get(2)).isFalse();
        assertThat(s.uploads.resume("alice", st.sessionId()).needed().get(2)).isTrue();
        // chunks before the proof, unknown indices, another device's session: refused
        UploadService.Started other = s.uploads.start("alice", m);
        assertThatThrownBy(() -> s.uploads.putChunk("alice", other.sessionId(), 0, chunk(data, m, 0)))
                .isInstanceOfSatisfying(UploadException.class, e -> assertThat(e.reason()).isEqualTo(UploadException.Reason.WRONG_STATE));
        assertThatThrownBy(() -> s.uploads.putChunk("alice", st.sessionId(), m.chunkCount(), chunk(data, m, 0)))
                .isInstanceOfSatisfying(UploadException.class, e -> assertThat(e.reason()).isEqualTo(UploadException.Reason.BAD_CHUNK_INDEX));
        assertThatThrownBy(() -> s.uploads.putChunk("bob", st.sessionId(), 0, chunk(data, m, 0)))
                .isInstanceOfSatisfying(UploadException.class, e -> assertThat(e.reason()).isEqualTo(UploadException.Reason.UNKNOWN_SESSION));
        // then the right bytes complete the upload
        for (int i = 0; i < m.chunkCount(); i++) {
            s.uploads.putChunk("alice", st.sessionId(), i, chunk(data, m, i));
        }
        assertThat(s.uploads.finish("alice", st.sessionId()).contentId()).isEqualTo(m.contentId());
    }

    @Test
    void restartMidUploadResumesWithOnlyTheMissingChunks() throws Exception {
        Server s = new Server("central");
        byte[] data = random(6, 4_000_000);
        Manifest m = Manifest.build(data, ChunkingParams.DEFAULT);
        UploadService.Started st = s.uploads.start("alice", m);
        s.uploads.prove("alice", st.sessionId(), ProofOfPossession.respond(st.challenge(), ProofOfPossession.RangeSource.of(data)));
        BitSet sent = new BitSet();
        for (int i = 0; i < m.chunkCount(); i += 2) { // every other chunk, out of order
            s.uploads.putChunk("alice", st.sessionId(), m.chunkCount() - 1 - i, chunk(data, m, m.chunkCount() - 1 - i));
            sent.set(m.chunkCount() - 1 - i);
        }
        s.restart();
        assertThat(s.meta.openUploads("alice")).containsExactly(st.sessionId());
        UploadService.Plan left = s.uploads.resume("alice", st.sessionId());
        BitSet expected = new BitSet();
        expected.set(0, m.chunkCount());
        expected.andNot(sent);
        assertThat(left.needed()).isEqualTo(expected);
        assertThat(left.bytesNeeded()).isEqualTo(m.bytesOf(expected));
        assertThatThrownBy(() -> s.uploads.finish("alice", st.sessionId()))
                .isInstanceOfSatisfying(UploadException.class, e -> assertThat(e.reason()).isEqualTo(UploadException.Reason.INCOMPLETE));
        for (int i = left.needed().nextSetBit(0); i >= 0; i = left.needed().nextSetBit(i + 1)) {
            s.uploads.putChunk("alice", st.sessionId(), i, chunk(data, m, i));
        }
        s.restart();
        assertThat(s.uploads.finish("alice", st.sessionId()).contentId()).isEqualTo(m.contentId());
        assertThat(s.meta.openUploads("alice")).isEmpty();
        s.restart();
        try (InputStream in = StoredContent.open(s.meta.content(m.contentId()).orElseThrow(), s.blobs)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void restartBetweenChallengeAndProofKeepsTheChallenge() throws Exception {
        Server s = new Server("central");
        byte[] data = random(7, 300_000);
        Manifest m = Manifest.build(data, ChunkingParams.DEFAULT);
        UploadService.Started st = s.uploads.start("alice", m);
        s.restart();
        PossessionChallenge again = s.uploads.challenge("alice", st.sessionId());
        assertThat(again.encode()).isEqualTo(st.challenge().encode());
        s.uploads.prove("alice", st.sessionId(), ProofOfPossession.respond(again, ProofOfPossession.RangeSource.of(data)));
    }

    @Test
    void editedLargeFileResendsOnlyChangedChunks() throws Exception {
        Server s = new Server("central");
        byte[] v1 = random(8, 20 * 1024 * 1024);
        assertThat(s.send("alice", v1)).isEqualTo(v1.length);
        byte[] v2 = ChunkingTest.insert(v1, 10 * 1024 * 1024, random(9, 4096));
        Manifest m1 = Manifest.build(v1, ChunkingParams.DEFAULT);
        Manifest m2 = Manifest.build(v2, ChunkingParams.DEFAULT);
        BitSet changed = m2.changedSince(m1);
        long sent = s.send("alice", v2);
        System.out.printf("edited 20 MiB file (4 KiB inserted): %d of %d chunks, %d bytes uploaded%n",
                changed.cardinality(), m2.chunkCount(), sent);
        assertThat(sent).isEqualTo(m2.bytesOf(changed));
        assertThat(sent).isLessThan(4L * ChunkingParams.DEFAULT.max());
        try (InputStream in = StoredContent.open(s.meta.content(m2.contentId()).orElseThrow(), s.blobs)) {
            assertThat(in.readAllBytes()).isEqualTo(v2);
        }
    }

    @Test
    void limitsAreEnforcedAtStart() throws Exception {
        Server s = new Server("central");
        UploadService small = new UploadService(s.meta, s.blobs, new UploadService.Limits(1000, ChunkingParams.DEFAULT,
                ProofOfPossession.Params.DEFAULT), new SecureRandom(), clock::incrementAndGet);
        assertThatThrownBy(() -> small.start("alice", Manifest.build(new byte[1001], ChunkingParams.DEFAULT)))
                .isInstanceOfSatisfying(UploadException.class, e -> assertThat(e.reason()).isEqualTo(UploadException.Reason.BAD_MANIFEST));
        assertThatThrownBy(() -> s.uploads.start("alice", Manifest.build(new byte[10], new ChunkingParams(1024, 4096, 16384))))
                .isInstanceOfSatisfying(UploadException.class, e -> assertThat(e.reason()).isEqualTo(UploadException.Reason.BAD_MANIFEST));
        // the empty content is a valid, trivially complete upload
        assertThat(s.send("alice", new byte[0])).isZero();
    }

    @Test
    void skippedChunkThatVanishedBeforeFinishIsAskedForAgain() throws Exception {
        Server s = new Server("central");
        byte[] data = random(10, 500_000);
        Manifest m = Manifest.build(data, ChunkingParams.DEFAULT);
        s.send("alice", data);
        UploadService.Started st = s.uploads.start("bob", m);
        UploadService.Plan plan = s.uploads.prove("bob", st.sessionId(),
                ProofOfPossession.respond(st.challenge(), ProofOfPossession.RangeSource.of(data)));
        assertThat(plan.nothingToSend()).isTrue();
        s.blobs.delete(m.chunk(1).id()); // e.g. lost between proof and finish
        assertThatThrownBy(() -> s.uploads.finish("bob", st.sessionId()))
                .isInstanceOfSatisfying(UploadException.class, e -> assertThat(e.reason()).isEqualTo(UploadException.Reason.INCOMPLETE));
        assertThat(s.uploads.resume("bob", st.sessionId()).needed()).isEqualTo(BitSet.valueOf(new long[] {0b10}));
        s.uploads.putChunk("bob", st.sessionId(), 1, chunk(data, m, 1));
        assertThat(s.uploads.finish("bob", st.sessionId()).contentId()).isEqualTo(m.contentId());
        assertThat(StoredContent.verify(m, s.blobs)).isTrue();
        // bit rot in a stored blob is caught by re-verification
        java.nio.file.Files.write(s.blobs.pathOf(m.chunk(0).id()), new byte[m.chunk(0).length()]);
        assertThat(StoredContent.verify(m, s.blobs)).isFalse();
    }
}
