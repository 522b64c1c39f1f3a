package dev.peerlink.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkingTest {
    static final ChunkingParams P = ChunkingParams.DEFAULT;
    static final int MB20 = 20 * 1024 * 1024;

    static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] insert(byte[] a, int at, byte[] ins) {
        byte[] out = new byte[a.length + ins.length];
        System.arraycopy(a, 0, out, 0, at);
        System.arraycopy(ins, 0, out, at, ins.length);
        System.arraycopy(a, at, out, at + ins.length, a.length - at);
        return out;
    }

    static byte[] delete(byte[] a, int at, int len) {
        byte[] out = new byte[a.length - len];
        System.arraycopy(a, 0, out, 0, at);
        System.arraycopy(a, at + len, out, at, a.length - at - len);
        return out;
    }

    /** Returns the re-sent chunk count and prints it with the bytes, for the report. */
    static int resent(String what, Manifest before, Manifest after) {
        BitSet changed = after.changedSince(before);
        System.out.printf("%-28s %d of %d chunks re-sent, %d bytes of %d%n", what, changed.cardinality(), after.chunkCount(),
                after.bytesOf(changed), after.size());
        return changed.cardinality();
    }

    @Test
    void editsInTheMiddleOf20MegabytesChangeOnlyAFewChunks() {
        byte[] data = random(4, MB20);
        Manifest.build(data, P); // warm-up
        long t0 = System.nanoTime();
        Manifest base = Manifest.build(data, P);
        long ns = System.nanoTime() - t0;
        assertThat(base.chunkCount()).isBetween(MB20 / P.max(), MB20 / P.min());
        java.util.IntSummaryStatistics st = base.chunks().stream().mapToInt(Manifest.Chunk::length).summaryStatistics();
        System.out.printf("20 MiB: %d chunks, mean %.1f KiB, min %d, max %d; manifest %d bytes; chunk+hash %.0f MB/s%n",
                base.chunkCount(), st.getAverage() / 1024, st.getMin(), st.getMax(), base.encode().length,
                MB20 / 1e6 / (ns / 1e9));
        // the mean lands near avg + min (FastCDC skips min bytes, then cuts at ~avg-ish rates)
        assertThat(st.getAverage()).isBetween(0.75 * P.avg(), 1.5 * P.avg());

        byte[] flipped = data.clone();
        flipped[MB20 / 2] ^= 0x5a;
        assertThat(resent("1-byte overwrite", base, Manifest.build(flipped, P))).isEqualTo(1);

        assertThat(resent("1-byte insertion", base, Manifest.build(insert(data, MB20 / 2, new byte[] {7}), P))).isBetween(1, 3);
        assertThat(resent("4 KiB insertion", base, Manifest.build(insert(data, MB20 / 2, random(99, 4096)), P))).isBetween(1, 3);
        assertThat(resent("4 KiB deletion", base, Manifest.build(delete(data, MB20 / 2, 4096), P))).isBetween(1, 3);
        assertThat(resent("1 MiB insertion", base, Manifest.build(insert(data, MB20 / 3, random(98, 1 << 20)), P)))
                .isLessThanOrEqualTo((1 << 20) / P.min() + 3);
        assertThat(resent("1-byte overwrite at byte 0", base, Manifest.build(flip(data, 0), P))).isEqualTo(1);
        assertThat(resent("1-byte overwrite at last byte", base, Manifest.build(flip(data, MB20 - 1), P))).isEqualTo(1);
    }

    static byte[] flip(byte[] data, int at) {
        byte[] c = data.clone();
        c[at] ^= 1;
        return c;
    }

    @Test
    void propertyOverSeedsBoundariesResynchroniseAfterRandomEdits() {
        for (long seed = 1; seed <= 12; seed++) {
            Random r = new Random(seed);
            int size = 2 * 1024 * 1024 + r.nextInt(2 * 1024 * 1024);
            byte[] data = random(seed * 31, size);
            Manifest base = Manifest.build(data, P);
            assertWellFormed(base, data);
            int at = r.nextInt(size - 8192);
            byte[] edited = switch ((int) (seed % 3)) {
                case 0 -> flip(data, at);
                case 1 -> insert(data, at, random(seed, 1 + r.nextInt(4096)));
                default -> delete(data, at, 1 + r.nextInt(4096));
            };
            Manifest after = Manifest.build(edited, P);
            assertWellFormed(after, edited);
            assertThat(after.changedSince(base).cardinality()).as("seed %d", seed).isBetween(1, 3);
        }
    }

    @Test
    void chunksRespectLimitsAndConcatenateToTheContent() throws IOException {
        for (long seed = 100; seed < 104; seed++) {
            byte[] data = random(seed, 3_000_000 + (int) seed);
            ByteArrayOutputStream cat = new ByteArrayOutputStream();
            long total = Chunker.split(new ByteArrayInputStream(data), P, (off, buf, o, len) -> {
                assertThat(off).isEqualTo(cat.size());
                cat.write(buf, o, len);
            });
            assertThat(total).isEqualTo(data.length);
            assertThat(cat.toByteArray()).isEqualTo(data);
            assertWellFormed(Manifest.build(data, P), data);
        }
    }

    @Test
    void lowEntropyContentIsCutAtMaxAndSmallContentIsOneChunk() {
        Manifest zeros = Manifest.build(new byte[1_000_000], P);
        assertThat(zeros.chunks()).allSatisfy(c -> assertThat(c.length()).isEqualTo(c.offset() + P.max() <= 1_000_000 ? P.max() : 1_000_000 % P.max()));
        // identical chunks share an id: dedup inside one content
        assertThat(zeros.chunk(0).id()).isEqualTo(zeros.chunk(1).id());
        assertThat(Manifest.build(new byte[0], P).chunkCount()).isZero();
        assertThat(Manifest.build(new byte[] {1, 2, 3}, P).chunkCount()).isEqualTo(1);
        assertThat(Manifest.build(new byte[P.min()], P).chunkCount()).isEqualTo(1);
    }

    @Test
    void deterministicAcrossRunsReadSizesAndJvms() throws IOException {
        byte[] data = random(4, 5_000_000);
        Manifest a = Manifest.build(data, P);
        Manifest b = Manifest.build(new TrickleInputStream(new ByteArrayInputStream(data), new Random(5)), P);
        assertThat(b).isEqualTo(a);
        assertThat(b.id()).isEqualTo(a.id());
        assertThat(a.contentId()).isEqualTo(ContentId.of(data));
        // Pinned: these change only if the chunker, its gear table or the encoding changes,
        // which needs a new manifest version (see docs/transfer.md).
        assertThat(a.chunkCount()).isEqualTo(PINNED_COUNT);
        assertThat(a.id().toString()).isEqualTo(PINNED_ID);
    }

    static final int PINNED_COUNT = 65;
    static final String PINNED_ID = "sha256:2733609c0e1971a9596bf29cc6f28eaf453c6017c508c796475485f4cc98d9d2";

    @Test
    void canonicalEncodingRoundTripsAndDecodingIsStrict() {
        byte[] data = random(7, 700_000);
        Manifest m = Manifest.build(data, P);
        byte[] enc = m.encode();
        assertThat(enc).hasSize(4 + 3 + 12 + 8 + 32 + 4 + 36 * m.chunkCount());
        assertThat(Manifest.decode(enc, Long.MAX_VALUE)).isEqualTo(m);
        assertThatThrownBy(() -> Manifest.decode(enc, 1000)).hasMessageContaining("size");
        assertThatThrownBy(() -> Manifest.decode(java.util.Arrays.copyOf(enc, enc.length + 1), Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Manifest.decode(java.util.Arrays.copyOf(enc, enc.length - 1), Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] badLen = enc.clone();
        badLen[4 + 3 + 12 + 8 + 32 + 4 + 3] ^= 1; // first chunk length no longer sums to the size
        assertThatThrownBy(() -> Manifest.decode(badLen, Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
        byte[] v2 = enc.clone();
        v2[4] = 2;
        assertThatThrownBy(() -> Manifest.decode(v2, Long.MAX_VALUE)).hasMessageContaining("unsupported");
    }

    @Test
    void contentIdParsesOnlyItsOwnForm() {
        ContentId id = ContentId.of("abc".getBytes());
        assertThat(id.toString()).isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(ContentId.parse(id.toString())).isEqualTo(id);
        assertThatThrownBy(() -> ContentId.parse("sha1:a9993e364706816aba3e25717850c26c9cd0d89d")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ContentId.parse(id.toString().toUpperCase())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ContentId.parse("sha256:zz" + id.hex().substring(2))).isInstanceOf(IllegalArgumentException.class);
    }

    static void assertWellFormed(Manifest m, byte[] data) {
        List<Manifest.Chunk> cs = m.chunks();
        for (int i = 0; i < cs.size(); i++) {
            Manifest.Chunk c = cs.get(i);
            assertThat(c.length()).isLessThanOrEqualTo(P.max());
            if (i < cs.size() - 1) {
                assertThat(c.length()).isGreaterThanOrEqualTo(P.min());
            }
            assertThat(c.id()).isEqualTo(ContentId.of(data, (int) c.offset(), c.length()));
        }
        assertThat(m.size()).isEqualTo(data.length);
    }

    /** Delivers 1..7000 bytes per read, to show boundaries do not depend on read sizes. */
    static final class TrickleInputStream extends FilterInputStream {
        final Random r;

        TrickleInputStream(InputStream in, Random r) {
            super(in);
            this.r = r;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1 + r.nextInt(7000)));
        }
    }

    @Test
    void aFileHashedOnTwoThreadsGivesTheOnePassManifest(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        int from = (int) Manifest.PARALLEL_FROM;
        int[] sizes = {0, 1, from - 1, from, from + 12_345, MB20 + 7};
        for (int i = 0; i < sizes.length; i++) {
            byte[] data = random(100 + i, sizes[i]);
            java.nio.file.Path f = java.nio.file.Files.write(dir.resolve("f" + i), data);
            Manifest onePass = Manifest.build(new ByteArrayInputStream(data), P);
            assertThat(Manifest.build(f, P)).as("size %d", sizes[i]).isEqualTo(onePass);
            assertThat(Manifest.build(f, P).contentId()).isEqualTo(ContentId.of(data));
        }
    }
}
