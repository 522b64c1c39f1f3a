package dev.peerlink.server.transfer;

import dev.peerlink.transfer.ChunkingParams;
import dev.peerlink.transfer.ProofOfPossession;
import dev.peerlink.transfer.UploadService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The deduplicated-transfer service of a server (docs/transfer.md).
 *
 * @param tier           {@code central}, or {@code private} with the URL of its central server and the shared tier secret
 * @param tierId         how a private tier names itself to its central server (default: the server id)
 * @param store          where contents live: a directory (SQLite + file blobs) unless a JDBC URL / S3 URI says otherwise
 * @param maxContentSize largest content accepted
 * @param dailyQuota     bytes a device may upload per UTC day
 * @param maxOpenUploads unfinished upload sessions per device
 * @param maxConnections concurrent transfer connections
 * @param deliveryRetry  how often an unacknowledged delivery is announced again to a connected target
 * @param uploadTtl      an upload session untouched this long is abandoned and its orphan chunks collected
 */
public record TransferConfig(Tier tier, Optional<String> central, Optional<String> tierSecret, Optional<String> tierId,
                             Storage store, long maxContentSize, long dailyQuota, int maxOpenUploads, int maxConnections,
                             Duration deliveryRetry, Duration uploadTtl) {
    public enum Tier {
        CENTRAL, PRIVATE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code dir} for SQLite and file blobs; {@code jdbcUrl} (PostgreSQL) and {@code s3} (S3 URI) replace either part. */
    public record Storage(Optional<Path> dir, Optional<String> jdbcUrl, Optional<String> s3) {
        public static Storage inDir(Path dir) {
            return new Storage(Optional.of(dir), Optional.empty(), Optional.empty());
        }
    }

    public TransferConfig {
        Objects.requireNonNull(tier);
        if (tier == Tier.PRIVATE && (central.isEmpty() || tierSecret.isEmpty())) {
            throw new IllegalArgumentException("a private tier needs --central URL and --tier-secret");
        }
        if (maxContentSize < 1 || dailyQuota < 0 || maxOpenUploads < 1 || maxConnections < 1) {
            throw new IllegalArgumentException("transfer limits must be positive");
        }
    }

    public static TransferConfig central(Storage store) {
        return new TransferConfig(Tier.CENTRAL, Optional.empty(), Optional.empty(), Optional.empty(), store, 4L << 30, 50L << 30, 16,
                64, Duration.ofSeconds(30), Duration.ofHours(24));
    }

    public TransferConfig withTier(Tier t, Optional<String> centralUrl, Optional<String> secret, Optional<String> id) {
        return new TransferConfig(t, centralUrl, secret, id, store, maxContentSize, dailyQuota, maxOpenUploads, maxConnections,
                deliveryRetry, uploadTtl);
    }

    public TransferConfig withLimits(long maxContent, long quota, int openUploads) {
        return new TransferConfig(tier, central, tierSecret, tierId, store, maxContent, quota, openUploads, maxConnections,
                deliveryRetry, uploadTtl);
    }

    public TransferConfig withDeliveryRetry(Duration d) {
        return new TransferConfig(tier, central, tierSecret, tierId, store, maxContentSize, dailyQuota, maxOpenUploads, maxConnections,
                d, uploadTtl);
    }

    public UploadService.Limits uploadLimits() {
        return new UploadService.Limits(maxContentSize, ChunkingParams.DEFAULT, ProofOfPossession.Params.DEFAULT);
    }

    /** Largest frame payload the server accepts: a chunk, the manifest of the largest content, or its proof. */
    public int maxPayload() {
        ChunkingParams p = uploadLimits().chunking();
        long chunks = maxContentSize / p.min() + 1;
        long manifest = 64 + 36 * chunks;
        long proof = 32L * uploadLimits().proof().rangesPerChunk() * chunks;
        return (int) Math.min(Integer.MAX_VALUE - 65536, Math.max(p.max(), Math.max(manifest, proof)));
    }
}
