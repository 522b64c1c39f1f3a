package dev.peerlink.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
    @TempDir
    Path dir;

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void blobStoreVerifiesHashAndLayout() throws Exception {
        FileBlobStore s = FileBlobStore.open(dir.resolve("blobs"), 1 << 20);
        byte[] data = random(1, 100_000);
        ContentId id = ContentId.of(data);
        assertThat(s.put(id, new ByteArrayInputStream(data), Long.MAX_VALUE)).isEqualTo(BlobStore.PutOutcome.STORED);
        String hex = id.hex();
        assertThat(dir.resolve("blobs").resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex)).isRegularFile();
        assertThat(s.contains(id)).isTrue();
        assertThat(s.size(id)).isEqualTo(100_000);
        try (InputStream in = s.open(id)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(s.read(id, 500, 10)).isEqualTo(java.util.Arrays.copyOfRange(data, 500, 510));
        // idempotent
        assertThat(s.put(id, new ByteArrayInputStream(data), Long.MAX_VALUE)).isEqualTo(BlobStore.PutOutcome.ALREADY_PRESENT);
        assertThat(tmpFiles(s)).isEmpty();
    }

    @Test
    void blobStoreRefusesMismatchAndOversizeStoringNothing() throws Exception {
        FileBlobStore s = FileBlobStore.open(dir.resolve("blobs"), 1 << 20);
        byte[] data = random(2, 50_000);
        ContentId id = ContentId.of(data);
        byte[] corrupt = data.clone();
        corrupt[49_999] ^= 1;
        assertThatThrownBy(() -> s.put(id, new ByteArrayInputStream(corrupt), Long.MAX_VALUE))
                .isInstanceOfSatisfying(BlobRejectedException.class, e -> assertThat(e.reason()).isEqualTo(BlobRejectedException.Reason.HASH_MISMATCH));
        assertThat(s.contains(id)).isFalse();
        assertThatThrownBy(() -> s.put(id, new ByteArrayInputStream(data), 49_999))
                .isInstanceOfSatisfying(BlobRejectedException.class, e -> assertThat(e.reason()).isEqualTo(BlobRejectedException.Reason.TOO_LARGE));
        byte[] big = random(3, (1 << 20) + 1);
        assertThatThrownBy(() -> s.put(ContentId.of(big), new ByteArrayInputStream(big), Long.MAX_VALUE))
                .isInstanceOfSatisfying(BlobRejectedException.class, e -> assertThat(e.reason()).isEqualTo(BlobRejectedException.Reason.TOO_LARGE));
        assertThat(s.contains(id)).isFalse();
        assertThat(tmpFiles(s)).isEmpty();
        try (Stream<Path> all = Files.walk(s.root())) {
            assertThat(all.filter(Files::isRegularFile).toList()).isEmpty();
        }
    }

    @Test
    void blobStoreCleansTempFilesLeftByACrash() throws Exception {
        FileBlobStore s = FileBlobStore.open(dir.resolve("blobs"), 1 << 20);
        Files.writeString(s.root().resolve("tmp").resolve("put-crashed.part"), "half");
        FileBlobStore reopened = FileBlobStore.open(dir.resolve("blobs"), 1 << 20);
        assertThat(tmpFiles(reopened)).isEmpty();
    }

    static List<Path> tmpFiles(FileBlobStore s) throws Exception {
        try (Stream<Path> t = Files.list(s.root().resolve("tmp"))) {
            return t.toList();
        }
    }

    @Test
    void migratorRecordsVersionAndRefusesANewerDatabase() throws Exception {
        Path file = dir.resolve("transfer.db");
        SqliteMetadataStore.open(file).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            var rs = st.executeQuery("SELECT version, name FROM transfer_schema_version ORDER BY version");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("V1__transfer.sql");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(2);
            assertThat(rs.getString(2)).isEqualTo("V2__delivery_names_usage.sql");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("V3__pending_due_index.sql");
            var plan = st.executeQuery("EXPLAIN QUERY PLAN SELECT id FROM deliveries WHERE state = 'pending' AND updated_at <= 5 "
                    + "ORDER BY updated_at LIMIT 10");
            assertThat(plan.next()).isTrue();
            assertThat(plan.getString("detail")).as("the retry sweep's query plan").contains("deliveries_pending_due");
            st.execute("INSERT INTO transfer_schema_version VALUES (4, 'V4__future.sql', 'x', 0)");
        }
        assertThatThrownBy(() -> SqliteMetadataStore.open(file)).hasMessageContaining("newer");
    }
}
