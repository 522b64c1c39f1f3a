package dev.peerlink.server.transfer.internal;

import dev.peerlink.server.transfer.TransferConfig;
import dev.peerlink.transfer.BlobStore;
import dev.peerlink.transfer.ContentId;
import dev.peerlink.transfer.FileBlobStore;
import dev.peerlink.transfer.MetadataStore;
import dev.peerlink.transfer.PostgresMetadataStore;
import dev.peerlink.transfer.S3BlobStore;
import dev.peerlink.transfer.SqliteMetadataStore;
import dev.peerlink.transfer.UploadException;
import dev.peerlink.transfer.UploadService;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The metadata and blob stores a transfer service runs on, chosen by {@link TransferConfig.Storage}, and their upkeep. */
final class TransferStores implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransferStores.class);

    private final MetadataStore meta;
    private final BlobStore blobs;
    private final String description;

    private TransferStores(MetadataStore meta, BlobStore blobs, String description) {
        this.meta = meta;
        this.blobs = blobs;
        this.description = description;
    }

    static TransferStores open(TransferConfig.Storage s, long maxBlob) throws IOException {
        Path dir = s.dir().orElse(Path.of(System.getProperty("user.home"), ".peerlink-server", "transfer"));
        MetadataStore meta;
        String metaText;
        if (s.jdbcUrl().isPresent()) {
            meta = PostgresMetadataStore.open(s.jdbcUrl().get());
            metaText = "PostgreSQL";
        } else {
            meta = SqliteMetadataStore.open(dir.resolve("transfer.db"));
            metaText = "SQLite " + dir.resolve("transfer.db");
        }
        try {
            if (s.s3().isPresent()) {
                S3BlobStore.Config c = S3BlobStore.Config.fromUri(s.s3().get());
                return new TransferStores(meta, S3BlobStore.open(c), metaText + ", blobs in " + c);
            }
            BlobStore blobs = FileBlobStore.open(dir.resolve("blobs"), maxBlob);
            return new TransferStores(meta, blobs, metaText + ", blobs in " + dir.resolve("blobs"));
        } catch (IOException | RuntimeException e) {
            meta.close();
            throw e;
        }
    }

    MetadataStore meta() {
        return meta;
    }

    BlobStore blobs() {
        return blobs;
    }

    String describe() {
        return description;
    }

    /** Abandons uploads untouched for {@code ttlMillis} and deletes chunks no content references that are as old. */
    void sweep(long ttlMillis, UploadService uploads) {
        long before = System.currentTimeMillis() - ttlMillis;
        int abandoned = 0;
        for (String id : meta.staleUploads(before, 1000)) {
            try {
                var u = meta.upload(id);
                if (u.isPresent()) {
                    uploads.abandon(u.get().device(), id);
                    abandoned++;
                }
            } catch (UploadException | IOException e) {
                LOG.warn("cannot abandon stale upload {}: {}", id, e.toString());
            }
        }
        int collected = 0;
        for (ContentId chunk : meta.orphanChunks(before, 10_000)) {
            try {
                blobs.delete(chunk);
                meta.deleteChunk(chunk);
                collected++;
            } catch (IOException e) {
                LOG.warn("cannot delete orphan chunk {}: {}", chunk, e.toString());
            }
        }
        if (abandoned + collected > 0) {
            LOG.info("transfer upkeep: {} stale uploads abandoned, {} orphan chunks collected", abandoned, collected);
        }
    }

    @Override
    public void close() {
        meta.close();
    }
}
