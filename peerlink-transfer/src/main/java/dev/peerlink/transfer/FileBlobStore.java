package dev.peerlink.transfer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * {@link BlobStore} on a directory: blob {@code sha256:abcd...} lives at {@code root/ab/cd/abcd...}.
 * A put streams into {@code root/tmp/<random>} while hashing, fsyncs, and renames atomically into place
 * only if the digest matches; a crash leaves at most a temp file, which {@link #open} removes on startup.
 * Readers never see a partial blob. Concurrent puts of the same blob are safe (same bytes, atomic rename).
 */
public final class FileBlobStore implements BlobStore {
    private final Path root;
    private final Path tmp;
    private final long maxBlobSize;

    private FileBlobStore(Path root, long maxBlobSize) {
        this.root = root;
        this.tmp = root.resolve("tmp");
        this.maxBlobSize = maxBlobSize;
    }

    /** Opens (creating) the store and deletes temp files a crash left behind. */
    public static FileBlobStore open(Path root, long maxBlobSize) throws IOException {
        FileBlobStore s = new FileBlobStore(root.toAbsolutePath(), maxBlobSize);
        Files.createDirectories(s.tmp);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(s.tmp)) {
            for (Path p : leftovers) {
                Files.deleteIfExists(p);
            }
        }
        return s;
    }

    public Path root() {
        return root;
    }

    Path pathOf(ContentId id) {
        String hex = id.hex();
        return root.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex);
    }

    @Override
    public PutOutcome put(ContentId expected, InputStream data, long maxSize) throws IOException, BlobRejectedException {
        long limit = Math.min(maxSize, maxBlobSize);
        Path temp = Files.createTempFile(tmp, "put-", ".part");
        try {
            MessageDigest md = Sha256.newDigest();
            long total = 0;
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = data.read(buf)) > 0) {
                    total += n;
                    if (total > limit) {
                        throw new BlobRejectedException(BlobRejectedException.Reason.TOO_LARGE,
                                "blob exceeds " + limit + " bytes");
                    }
                    md.update(buf, 0, n);
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                }
                if (!expected.matches(md.digest())) {
                    throw new BlobRejectedException(BlobRejectedException.Reason.HASH_MISMATCH,
                            "content does not hash to " + expected);
                }
                out.force(true);
            }
            Path target = pathOf(expected);
            if (Files.exists(target)) {
                return PutOutcome.ALREADY_PRESENT;
            }
            Files.createDirectories(target.getParent());
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("blob store needs atomic rename within " + root, e);
            }
            return PutOutcome.STORED;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public boolean contains(ContentId id) {
        return Files.isRegularFile(pathOf(id));
    }

    @Override
    public long size(ContentId id) throws IOException {
        try {
            return Files.size(pathOf(id));
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    @Override
    public InputStream open(ContentId id) throws IOException {
        return Files.newInputStream(pathOf(id));
    }

    @Override
    public byte[] read(ContentId id, long offset, int len) throws IOException {
        byte[] out = new byte[len];
        try (FileChannel ch = FileChannel.open(pathOf(id), StandardOpenOption.READ)) {
            ByteBuffer bb = ByteBuffer.wrap(out);
            while (bb.hasRemaining()) {
                if (ch.read(bb, offset + bb.position()) < 0) {
                    throw new EOFException("blob " + id + " shorter than " + (offset + len));
                }
            }
        }
        return out;
    }

    @Override
    public boolean delete(ContentId id) throws IOException {
        return Files.deleteIfExists(pathOf(id));
    }

    /** Copies a blob to a stream (delivery helper). */
    public void copyTo(ContentId id, OutputStream out) throws IOException {
        Files.copy(pathOf(id), out);
    }
}
