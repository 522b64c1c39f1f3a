package dev.peerlink.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.Iterator;

/** Reads a stored content back as one stream: its chunks from the blob store, in manifest order. */
public final class StoredContent {
    private StoredContent() {}

    public static InputStream open(Manifest manifest, BlobStore blobs) {
        Iterator<Manifest.Chunk> it = manifest.chunks().iterator();
        return new java.io.SequenceInputStream(Collections.enumeration(new java.util.AbstractList<InputStream>() {
            @Override
            public InputStream get(int i) {
                throw new UnsupportedOperationException();
            }

            @Override
            public int size() {
                return manifest.chunkCount();
            }

            @Override
            public Iterator<InputStream> iterator() {
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public InputStream next() {
                        try {
                            return blobs.open(it.next().id());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                };
            }
        }));
    }

    /** True when the stored chunks concatenate to exactly the manifest's size and content id. */
    public static boolean verify(Manifest manifest, BlobStore blobs) throws IOException {
        MessageDigest md = Sha256.newDigest();
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = open(manifest, blobs)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
                total += n;
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return total == manifest.size() && manifest.contentId().matches(md.digest());
    }
}
