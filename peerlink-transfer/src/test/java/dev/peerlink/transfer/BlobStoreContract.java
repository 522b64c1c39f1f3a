package dev.peerlink.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link BlobStore} must do; each implementation's test extends this with a fresh, empty store. */
abstract class BlobStoreContract {
    static final long MAX_BLOB = 1 << 20;

    @TempDir
    Path dir;

    /** A fresh, empty store whose size limit is {@link #MAX_BLOB}. */
    abstract BlobStore store() throws Exception;

    /** Every blob object the store holds, seen from the backend itself (not through the store). */
    abstract List<String> storedObjects() throws Exception;

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void putThenReadBackWholeAndRanges() throws Exception {
        BlobStore s = store();
        byte[] data = random(1, 100_000);
        ContentId id = ContentId.of(data);
        assertThat(s.put(id, new ByteArrayInputStream(data), Long.MAX_VALUE)).isEqualTo(BlobStore.PutOutcome.STORED);
        assertThat(s.contains(id)).isTrue();
        assertThat(s.size(id)).isEqualTo(100_000);
        try (InputStream in = s.open(id)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(s.read(id, 0, 10)).isEqualTo(Arrays.copyOfRange(data, 0, 10));
        assertThat(s.read(id, 500, 2048)).isEqualTo(Arrays.copyOfRange(data, 500, 2548));
        assertThat(s.read(id, 99_990, 10)).isEqualTo(Arrays.copyOfRange(data, 99_990, 100_000));
        assertThat(s.read(id, 7, 0)).isEmpty();
        assertThat(storedObjects()).hasSize(1).allMatch(k -> k.endsWith(id.hex()));
    }

    @Test
    void putIsIdempotentAndConsumesTheStreamEitherWay() throws Exception {
        BlobStore s = store();
        byte[] data = random(2, 70_000);
        ContentId id = ContentId.of(data);
        ByteArrayInputStream first = new ByteArrayInputStream(data);
        assertThat(s.put(id, first, Long.MAX_VALUE)).isEqualTo(BlobStore.PutOutcome.STORED);
        ByteArrayInputStream again = new ByteArrayInputStream(data);
        assertThat(s.put(id, again, Long.MAX_VALUE)).isEqualTo(BlobStore.PutOutcome.ALREADY_PRESENT);
        assertThat(first.available()).isZero();
        assertThat(again.available()).isZero();
        assertThat(storedObjects()).hasSize(1);
        try (InputStream in = s.open(id)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void refusesMismatchAndOversizeStoringNothing() throws Exception {
        BlobStore s = store();
        byte[] data = random(3, 50_000);
        ContentId id = ContentId.of(data);
        byte[] corrupt = data.clone();
        corrupt[49_999] ^= 1;
        assertThatThrownBy(() -> s.put(id, new ByteArrayInputStream(corrupt), Long.MAX_VALUE))
                .isInstanceOfSatisfying(BlobRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(BlobRejectedException.Reason.HASH_MISMATCH));
        assertThatThrownBy(() -> s.put(id, new ByteArrayInputStream(data), 49_999))
                .isInstanceOfSatisfying(BlobRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(BlobRejectedException.Reason.TOO_LARGE));
        byte[] big = random(4, (int) MAX_BLOB + 1);
        ContentId bigId = ContentId.of(big);
        assertThatThrownBy(() -> s.put(bigId, new ByteArrayInputStream(big), Long.MAX_VALUE))
                .isInstanceOfSatisfying(BlobRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(BlobRejectedException.Reason.TOO_LARGE));
        assertThat(s.contains(id)).isFalse();
        assertThat(s.contains(bigId)).isFalse();
        assertThat(storedObjects()).isEmpty();
    }

    @Test
    void readsPastTheEndAreEof() throws Exception {
        BlobStore s = store();
        byte[] data = random(5, 1000);
        ContentId id = ContentId.of(data);
        s.put(id, new ByteArrayInputStream(data), Long.MAX_VALUE);
        assertThatThrownBy(() -> s.read(id, 995, 10)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> s.read(id, 1000, 1)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> s.read(id, 5000, 10)).isInstanceOf(EOFException.class);
        assertThat(s.read(id, 990, 10)).isEqualTo(Arrays.copyOfRange(data, 990, 1000));
    }

    @Test
    void missingBlobs() throws Exception {
        BlobStore s = store();
        ContentId id = ContentId.of(new byte[] {42});
        assertThat(s.contains(id)).isFalse();
        assertThat(s.size(id)).isEqualTo(-1);
        assertThatThrownBy(() -> s.open(id)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> s.read(id, 0, 1)).isInstanceOf(NoSuchFileException.class);
        assertThat(s.delete(id)).isFalse();
    }

    @Test
    void deleteRemovesOnce() throws Exception {
        BlobStore s = store();
        byte[] data = random(6, 3000);
        ContentId id = ContentId.of(data);
        s.put(id, new ByteArrayInputStream(data), Long.MAX_VALUE);
        assertThat(s.delete(id)).isTrue();
        assertThat(s.delete(id)).isFalse();
        assertThat(s.contains(id)).isFalse();
        assertThat(storedObjects()).isEmpty();
        assertThat(s.put(id, new ByteArrayInputStream(data), Long.MAX_VALUE)).isEqualTo(BlobStore.PutOutcome.STORED);
    }

    @Test
    void emptyBlob() throws Exception {
        BlobStore s = store();
        ContentId id = ContentId.of(new byte[0]);
        assertThat(s.put(id, InputStream.nullInputStream(), Long.MAX_VALUE)).isEqualTo(BlobStore.PutOutcome.STORED);
        assertThat(s.size(id)).isZero();
        try (InputStream in = s.open(id)) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    /** The whole upload flow on this store: start → prove → putChunk → finish, then the content verifies. */
    @Test
    void uploadServiceEndToEnd() throws Exception {
        BlobStore blobs = store();
        AtomicLong clock = new AtomicLong(1_000);
        try (SqliteMetadataStore meta = SqliteMetadataStore.open(dir.resolve("transfer.db"))) {
            UploadService uploads = new UploadService(meta, blobs, UploadService.Limits.DEFAULT, new SecureRandom(),
                    clock::incrementAndGet);
            byte[] data = random(7, 600_000);
            Manifest m = Manifest.build(data, ChunkingParams.DEFAULT);
            UploadService.Started started = uploads.start("alice", m);
            UploadService.Plan plan = uploads.prove("alice", started.sessionId(),
                    ProofOfPossession.respond(started.challenge(), ProofOfPossession.RangeSource.of(data)));
            assertThat(plan.needed().cardinality()).isEqualTo(m.chunks().size());
            for (int i = plan.needed().nextSetBit(0); i >= 0; i = plan.needed().nextSetBit(i + 1)) {
                Manifest.Chunk c = m.chunk(i);
                uploads.putChunk("alice", started.sessionId(), i, new ByteArrayInputStream(data, (int) c.offset(), c.length()));
            }
            UploadService.Finished f = uploads.finish("alice", started.sessionId());
            assertThat(f.contentId()).isEqualTo(ContentId.of(data));
            assertThat(StoredContent.verify(m, blobs)).isTrue();
            try (InputStream in = StoredContent.open(m, blobs)) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
            assertThat(storedObjects()).hasSize((int) m.chunks().stream().map(Manifest.Chunk::id).distinct().count());

            // a second owner who can prove possession uploads nothing
            UploadService.Started again = uploads.start("bob", m);
            UploadService.Plan none = uploads.prove("bob", again.sessionId(),
                    ProofOfPossession.respond(again.challenge(), ProofOfPossession.RangeSource.of(data)));
            assertThat(none.nothingToSend()).isTrue();
            assertThat(uploads.finish("bob", again.sessionId()).contentId()).isEqualTo(ContentId.of(data));
        }
    }
}
