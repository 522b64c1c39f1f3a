package dev.peerlink.transfer;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The chunk list of one content: its {@link ContentId}, size, chunking parameters, and every chunk's
 * length and sha256 in order. Its {@link #id()} is the sha256 of its canonical encoding (format v1):
 *
 * <pre>
 * magic    "PLMF"          4 bytes
 * version  1               u8
 * hash     1 = sha256      u8
 * chunker  1 = FastCDC v1  u8   (gear table seeded "peerlink", normalized chunking level 2)
 * min avg max              3 x u32
 * size                     u64
 * content  sha256          32 bytes
 * count                    u32
 * count x (length u32, sha256 32 bytes)
 * </pre>
 * All integers big-endian; nothing follows the last chunk. Decoding is strict: a chunk length of zero
 * or above max, a non-final chunk shorter than min, lengths not summing to size, or trailing bytes are
 * errors, so one content has exactly one valid encoding per parameter set.
 */
public record Manifest(ContentId contentId, long size, ChunkingParams params, List<Chunk> chunks) {
    public static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "PLMF".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 4 + 3 + 12 + 8 + 32 + 4;
    private static final int PER_CHUNK = 4 + 32;
    /** Below this a file is hashed in one pass: a second thread costs more than it saves. */
    static final long PARALLEL_FROM = 4 << 20;

    /** One chunk: where it starts in the content, its length and its sha256. */
    public record Chunk(long offset, int length, ContentId id) {}

    public Manifest {
        chunks = List.copyOf(chunks);
        long at = 0;
        for (int i = 0; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            if (c.offset() != at) {
                throw new IllegalArgumentException("chunk " + i + " starts at " + c.offset() + ", expected " + at);
            }
            if (c.length() <= 0 || c.length() > params.max()) {
                throw new IllegalArgumentException("chunk " + i + " length " + c.length() + " outside 1.." + params.max());
            }
            if (i < chunks.size() - 1 && c.length() < params.min()) {
                throw new IllegalArgumentException("non-final chunk " + i + " shorter than min: " + c.length());
            }
            at += c.length();
        }
        if (at != size) {
            throw new IllegalArgumentException("chunk lengths sum to " + at + ", size is " + size);
        }
    }

    /** Reads the stream once (not closed), hashing the whole and every chunk; memory is bounded by 2 x max. */
    public static Manifest build(InputStream in, ChunkingParams params) throws IOException {
        MessageDigest whole = Sha256.newDigest();
        MessageDigest part = Sha256.newDigest();
        List<Chunk> chunks = new ArrayList<>();
        long size = Chunker.split(in, params, (offset, buf, off, len) -> {
            whole.update(buf, off, len);
            part.update(buf, off, len);
            chunks.add(new Chunk(offset, len, ContentId.ofDigest(part.digest())));
        });
        return new Manifest(ContentId.ofDigest(whole.digest()), size, params, chunks);
    }

    /**
     * A file's manifest, with the whole-content hash on a second thread beside the chunking and chunk hashes (each
     * reads the file; the second read is served by the page cache): the time of the slower pass instead of their
     * sum on two or more cores. A file whose size or modification time changed meanwhile is read again in one
     * pass, so the content id and the chunks always describe the same bytes.
     */
    public static Manifest build(Path file, ChunkingParams params) throws IOException {
        long sizeBefore = Files.size(file);
        java.nio.file.attribute.FileTime modifiedBefore = Files.getLastModifiedTime(file);
        if (sizeBefore < PARALLEL_FROM || Runtime.getRuntime().availableProcessors() < 2) {
            return buildInOnePass(file, params);
        }
        java.util.concurrent.CompletableFuture<ContentId> whole = new java.util.concurrent.CompletableFuture<>();
        Thread hasher = Thread.ofPlatform().daemon().name("manifest-content-hash").start(() -> {
            try {
                whole.complete(ContentId.compute(file));
            } catch (Throwable e) {
                whole.completeExceptionally(e);
            }
        });
        List<Chunk> chunks = new ArrayList<>();
        MessageDigest part = Sha256.newDigest();
        long size;
        ContentId id;
        try {
            try (InputStream in = Files.newInputStream(file)) {
                size = Chunker.split(in, params, (offset, buf, off, len) -> {
                    part.update(buf, off, len);
                    chunks.add(new Chunk(offset, len, ContentId.ofDigest(part.digest())));
                });
            }
            id = whole.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while hashing " + file);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            hasher.interrupt(); // only matters when we leave early
        }
        if (size != sizeBefore || Files.size(file) != size || !Files.getLastModifiedTime(file).equals(modifiedBefore)) {
            return buildInOnePass(file, params); // changed while we read it twice
        }
        return new Manifest(id, size, params, chunks);
    }

    private static Manifest buildInOnePass(Path file, ChunkingParams params) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return build(in, params);
        }
    }

    public static Manifest build(byte[] data, ChunkingParams params) {
        try {
            return build(new java.io.ByteArrayInputStream(data), params);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The canonical encoding (format v1). */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(HEADER + PER_CHUNK * chunks.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(FORMAT_VERSION);
            out.writeByte(1);
            out.writeByte(1);
            out.writeInt(params.min());
            out.writeInt(params.avg());
            out.writeInt(params.max());
            out.writeLong(size);
            out.write(contentId.digest());
            out.writeInt(chunks.size());
            for (Chunk c : chunks) {
                out.writeInt(c.length());
                out.write(c.id().digest());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes a canonical encoding, refusing contents above {@code maxSize} before allocating per chunk. */
    public static Manifest decode(byte[] data, long maxSize) {
        ByteBuffer b = ByteBuffer.wrap(data);
        try {
            byte[] magic = new byte[4];
            b.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException("not a manifest (bad magic)");
            }
            int version = b.get() & 0xff;
            int hash = b.get() & 0xff;
            int chunker = b.get() & 0xff;
            if (version != FORMAT_VERSION || hash != 1 || chunker != 1) {
                throw new IllegalArgumentException("unsupported manifest version/hash/chunker " + version + "/" + hash + "/" + chunker);
            }
            ChunkingParams params = new ChunkingParams(b.getInt(), b.getInt(), b.getInt());
            long size = b.getLong();
            if (size < 0 || size > maxSize) {
                throw new IllegalArgumentException("content size " + size + " outside 0.." + maxSize);
            }
            byte[] digest = new byte[32];
            b.get(digest);
            ContentId content = ContentId.ofDigest(digest);
            int count = b.getInt();
            long maxCount = size == 0 ? 0 : size / params.min() + 1;
            if (count < 0 || count > maxCount || b.remaining() != (long) count * PER_CHUNK) {
                throw new IllegalArgumentException("chunk count " + count + " does not fit the size or the encoding length");
            }
            List<Chunk> chunks = new ArrayList<>(count);
            long offset = 0;
            for (int i = 0; i < count; i++) {
                int len = b.getInt();
                b.get(digest);
                chunks.add(new Chunk(offset, len, ContentId.ofDigest(digest)));
                offset += len;
            }
            return new Manifest(content, size, params, chunks);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated manifest", e);
        }
    }

    /** The manifest ID: sha256 over {@link #encode()}. */
    public ContentId id() {
        return ContentId.of(encode());
    }

    public int chunkCount() {
        return chunks.size();
    }

    public Chunk chunk(int index) {
        return chunks.get(index);
    }

    /** Index of the chunk holding content byte {@code offset}. */
    public int chunkAt(long offset) {
        if (offset < 0 || offset >= size) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside content of " + size);
        }
        int lo = 0;
        int hi = chunks.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (chunks.get(mid).offset() <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Indices of chunks for which {@code held} is false, e.g. what an upload still has to carry. */
    public BitSet missing(Predicate<ContentId> held) {
        BitSet out = new BitSet(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            if (!held.test(chunks.get(i).id())) {
                out.set(i);
            }
        }
        return out;
    }

    /** Indices of this manifest's chunks whose sha256 does not appear in {@code older}: what an edit re-sends. */
    public BitSet changedSince(Manifest older) {
        Set<ContentId> old = new HashSet<>();
        for (Chunk c : older.chunks) {
            old.add(c.id());
        }
        return missing(old::contains);
    }

    /** Total bytes of the chunks whose indices are set. */
    public long bytesOf(BitSet indices) {
        long n = 0;
        for (int i = indices.nextSetBit(0); i >= 0; i = indices.nextSetBit(i + 1)) {
            n += chunks.get(i).length();
        }
        return n;
    }
}
