package dev.peerlink.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.testkit.db.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a real PostgreSQL server, plus migrations and the upload flow on it. */
class PostgresMetadataStoreContractTest extends MetadataStoreContract {
    @RegisterExtension
    static final EmbeddedPostgres PG = new EmbeddedPostgres();

    @TempDir
    Path dir;

    @Override
    protected Storage newStorage() throws Exception {
        String url = PG.createDatabase();
        return () -> PostgresMetadataStore.open(url, EmbeddedPostgres.SUPERUSER, null);
    }

    @Test
    void openTakesTheUserFromTheUrl() throws Exception {
        String url = PG.createDatabase();
        try (PostgresMetadataStore s = PostgresMetadataStore.open(url + "?user=" + EmbeddedPostgres.SUPERUSER)) {
            assertThat(s.usage("x", 1)).isZero();
        }
    }

    @Test
    void migratorRecordsVersionsAndRefusesANewerOrChangedSchema() throws Exception {
        String url = PG.createDatabase();
        PostgresMetadataStore.open(url, EmbeddedPostgres.SUPERUSER, null).close();
        PostgresMetadataStore.open(url, EmbeddedPostgres.SUPERUSER, null).close(); // already migrated: no-op
        try (Connection c = DriverManager.getConnection(url, EmbeddedPostgres.SUPERUSER, null); Statement st = c.createStatement()) {
            assertThat(versions(st)).containsExactly("1 V1__transfer.sql", "2 V2__delivery_names_usage.sql",
                    "3 V3__pending_due_index.sql");
            try (ResultSet rs = st.executeQuery("SELECT indexdef FROM pg_indexes WHERE indexname = 'deliveries_pending_due'")) {
                assertThat(rs.next()).as("the retry sweep's index").isTrue();
                assertThat(rs.getString(1)).contains("(updated_at)", "WHERE", "pending");
            }
            st.execute("UPDATE transfer_schema_version SET checksum = 'edited' WHERE version = 2");
        }
        assertThatThrownBy(() -> PostgresMetadataStore.open(url, EmbeddedPostgres.SUPERUSER, null))
                .isInstanceOf(MetadataStore.StoreException.class).hasMessageContaining("checksum mismatch");
        try (Connection c = DriverManager.getConnection(url, EmbeddedPostgres.SUPERUSER, null); Statement st = c.createStatement()) {
            st.execute("INSERT INTO transfer_schema_version VALUES (4, 'V4__future.sql', 'x', 0)");
        }
        assertThatThrownBy(() -> PostgresMetadataStore.open(url, EmbeddedPostgres.SUPERUSER, null))
                .isInstanceOf(MetadataStore.StoreException.class).hasMessageContaining("newer");
    }

    private static List<String> versions(Statement st) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT version, name FROM transfer_schema_version ORDER BY version")) {
            while (rs.next()) {
                out.add(rs.getInt(1) + " " + rs.getString(2));
            }
        }
        return out;
    }

    @Test
    void serversOpeningAnEmptyDatabaseAtOnceMigrateItOnce() throws Exception {
        String url = PG.createDatabase();
        int n = 4;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<PostgresMetadataStore>> opens = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                opens.add(pool.submit(() -> {
                    go.await();
                    return PostgresMetadataStore.open(url, EmbeddedPostgres.SUPERUSER, null);
                }));
            }
            go.countDown();
            for (Future<PostgresMetadataStore> f : opens) {
                f.get(60, TimeUnit.SECONDS).close();
            }
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = DriverManager.getConnection(url, EmbeddedPostgres.SUPERUSER, null); Statement st = c.createStatement()) {
            assertThat(versions(st)).containsExactly("1 V1__transfer.sql", "2 V2__delivery_names_usage.sql",
                    "3 V3__pending_due_index.sql");
        }
    }

    @Test
    void unreachableServerIsAStoreException() {
        assertThatThrownBy(() -> PostgresMetadataStore.open("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2&password=secret", "x", null))
                .isInstanceOf(MetadataStore.StoreException.class)
                .hasMessageContaining("cannot open transfer metadata")
                .hasMessageNotContaining("secret");
    }

    @Test
    void uploadFlowResumesAcrossARestart() throws Exception {
        Storage storage = newStorage();
        AtomicLong clock = new AtomicLong(1_000);
        byte[] data = new byte[3_000_000];
        new Random(11).nextBytes(data);
        Manifest m = Manifest.build(data, ChunkingParams.DEFAULT);
        FileBlobStore blobs = FileBlobStore.open(dir.resolve("blobs"), 1 << 20);

        MetadataStore meta = open(storage);
        UploadService uploads = new UploadService(meta, blobs, UploadService.Limits.DEFAULT, new SecureRandom(), clock::incrementAndGet);
        UploadService.Started st = uploads.start("alice", m);
        UploadService.Plan plan = uploads.prove("alice", st.sessionId(),
                ProofOfPossession.respond(st.challenge(), ProofOfPossession.RangeSource.of(data)));
        assertThat(plan.needed().cardinality()).isEqualTo(m.chunkCount());
        BitSet sent = new BitSet();
        for (int i = 0; i < m.chunkCount(); i += 2) {
            uploads.putChunk("alice", st.sessionId(), i, chunk(data, m, i));
            sent.set(i);
        }
        meta.close();

        // restart: a new service on a reopened store continues the session with only the missing chunks
        MetadataStore reopened = open(storage);
        uploads = new UploadService(reopened, FileBlobStore.open(dir.resolve("blobs"), 1 << 20), UploadService.Limits.DEFAULT,
                new SecureRandom(), clock::incrementAndGet);
        assertThat(reopened.openUploads("alice")).containsExactly(st.sessionId());
        UploadService.Plan left = uploads.resume("alice", st.sessionId());
        BitSet expected = new BitSet();
        expected.set(0, m.chunkCount());
        expected.andNot(sent);
        assertThat(left.needed()).isEqualTo(expected);
        for (int i = left.needed().nextSetBit(0); i >= 0; i = left.needed().nextSetBit(i + 1)) {
            uploads.putChunk("alice", st.sessionId(), i, chunk(data, m, i));
        }
        assertThat(uploads.finish("alice", st.sessionId()).contentId()).isEqualTo(m.contentId());
        assertThat(reopened.isOwner("alice", m.contentId())).isTrue();
        assertThat(reopened.openUploads("alice")).isEmpty();

        // a duplicate from another device that proves possession uploads nothing
        UploadService.Started dup = uploads.start("bob", m);
        UploadService.Plan dupPlan = uploads.prove("bob", dup.sessionId(),
                ProofOfPossession.respond(dup.challenge(), ProofOfPossession.RangeSource.of(data)));
        assertThat(dupPlan.nothingToSend()).isTrue();
        uploads.finish("bob", dup.sessionId());
        assertThat(reopened.ownedBy("bob")).containsExactly(m.contentId());
        try (InputStream in = StoredContent.open(reopened.content(m.contentId()).orElseThrow(), blobs)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    private static InputStream chunk(byte[] data, Manifest m, int i) {
        return new ByteArrayInputStream(data, (int) m.chunk(i).offset(), m.chunk(i).length());
    }
}
