package dev.peerlink.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link MetadataStore} shares; a subclass supplies fresh storage. Each test gets its own empty
 * storage, and "restart" means close the store and open a new one on the same storage.
 */
abstract class MetadataStoreContract {
    /** Opens a store on one storage (a file, a database); each call opens it again. */
    @FunctionalInterface
    interface Storage {
        MetadataStore open();
    }

    /** New, empty storage for one test. */
    protected abstract Storage newStorage() throws Exception;

    private final List<MetadataStore> opened = new ArrayList<>();

    @AfterEach
    void closeStores() {
        opened.forEach(MetadataStore::close);
    }

    MetadataStore open(Storage storage) {
        MetadataStore s = storage.open();
        opened.add(s);
        return s;
    }

    MetadataStore fresh() throws Exception {
        return open(newStorage());
    }

    static Manifest manifest(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return Manifest.build(b, ChunkingParams.DEFAULT);
    }

    static ContentId id(int n) {
        return ContentId.of(new byte[] {(byte) n, 42});
    }

    @Test
    void contentsAreIdempotentAndReadBack() throws Exception {
        MetadataStore s = fresh();
        Manifest m = manifest(1, 400_000);
        Manifest empty = manifest(2, 0);
        s.putContent(m, 10);
        s.putContent(m, 11);
        s.putContent(empty, 12);
        assertThat(s.content(m.contentId())).contains(m);
        assertThat(s.content(empty.contentId())).contains(empty);
        assertThat(s.content(ContentId.of(new byte[] {9}))).isEmpty();
        assertThat(s.contentSize(m.contentId())).hasValue(m.size());
        assertThat(s.contentSize(empty.contentId())).hasValue(0);
        assertThat(s.contentSize(ContentId.of(new byte[] {9}))).isEmpty();
        assertThat(m.chunkCount()).isGreaterThan(2);
        for (Manifest.Chunk c : m.chunks()) {
            assertThat(s.chunkReferenced(c.id())).isTrue();
        }
    }

    @Test
    void chunksAreRecordedDeletedAndReferencedOnlyByStoredContents() throws Exception {
        MetadataStore s = fresh();
        Manifest m = manifest(3, 300_000);
        ContentId loose = id(1);
        s.putChunk(loose, 100, 5);
        s.putChunk(loose, 100, 6);
        assertThat(s.hasChunk(loose)).isTrue();
        assertThat(s.chunkReferenced(loose)).isFalse();
        assertThat(s.chunkReferenced(m.chunk(0).id())).isFalse();
        s.putContent(m, 7);
        assertThat(s.chunkReferenced(m.chunk(0).id())).isTrue();
        assertThat(s.hasChunk(m.chunk(0).id())).isFalse(); // a content record is not a chunk record
        s.deleteChunk(loose);
        s.deleteChunk(loose);
        assertThat(s.hasChunk(loose)).isFalse();
    }

    @Test
    void ownershipIsIdempotentOrderedAndNeedsAStoredContent() throws Exception {
        MetadataStore s = fresh();
        Manifest a = manifest(4, 1000);
        Manifest b = manifest(5, 1000);
        Manifest c = manifest(6, 1000);
        s.putContent(a, 1);
        s.putContent(b, 1);
        s.putContent(c, 1);
        s.addOwner("dev-a", b.contentId(), 20);
        s.addOwner("dev-a", a.contentId(), 30);
        s.addOwner("dev-a", b.contentId(), 40); // keeps the first acquisition
        s.addOwner("dev-a", c.contentId(), 20);
        s.addOwner("dev-b", c.contentId(), 5);
        assertThat(s.isOwner("dev-a", a.contentId())).isTrue();
        assertThat(s.isOwner("dev-b", a.contentId())).isFalse();
        List<ContentId> sameTime = b.contentId().toString().compareTo(c.contentId().toString()) < 0
                ? List.of(b.contentId(), c.contentId()) : List.of(c.contentId(), b.contentId());
        assertThat(s.ownedBy("dev-a")).containsExactly(sameTime.get(0), sameTime.get(1), a.contentId());
        assertThat(s.ownedBy("dev-b")).containsExactly(c.contentId());
        assertThat(s.ownedBy("nobody")).isEmpty();
        assertThatThrownBy(() -> s.addOwner("dev-a", id(7), 1)).isInstanceOf(MetadataStore.StoreException.class);
    }

    @Test
    void deliveriesCarryNameAttemptsAndState() throws Exception {
        MetadataStore s = fresh();
        Manifest m = manifest(7, 5000);
        s.putContent(m, 1);
        long first = s.createDelivery(m.contentId(), "dev-a", "dev-b", "a.jpg", 10);
        long second = s.createDelivery(m.contentId(), "dev-c", "dev-b", null, 11);
        long other = s.createDelivery(m.contentId(), "dev-a", "dev-c", "x", 12);
        assertThat(second).isGreaterThan(first);
        assertThat(other).isGreaterThan(second);
        assertThat(s.delivery(first)).contains(new Delivery(first, m.contentId(), "dev-a", "dev-b", Delivery.State.PENDING, 0, 10, 10, "a.jpg"));
        assertThat(s.delivery(second).orElseThrow().name()).isNull();
        assertThat(s.delivery(other + 1000)).isEmpty();

        s.deliveryAttempted(first, 15);
        s.deliveryAttempted(first, 16);
        assertThat(s.pendingFor("dev-b")).extracting(Delivery::id).containsExactly(first, second);
        Delivery d = s.delivery(first).orElseThrow();
        assertThat(d.attempts()).isEqualTo(2);
        assertThat(d.createdAt()).isEqualTo(10);
        assertThat(d.updatedAt()).isEqualTo(16);

        s.setDeliveryState(first, Delivery.State.DELIVERED, 20);
        s.setDeliveryState(second, Delivery.State.FAILED, 21);
        assertThat(s.pendingFor("dev-b")).isEmpty();
        assertThat(s.pendingFor("dev-c")).extracting(Delivery::id).containsExactly(other);
        assertThat(s.delivery(first).orElseThrow().state()).isEqualTo(Delivery.State.DELIVERED);
        assertThat(s.delivery(second).orElseThrow()).satisfies(x -> {
            assertThat(x.state()).isEqualTo(Delivery.State.FAILED);
            assertThat(x.updatedAt()).isEqualTo(21);
        });
        assertThatThrownBy(() -> s.createDelivery(id(8), "a", "b", null, 1)).isInstanceOf(MetadataStore.StoreException.class);
    }

    @Test
    void uploadSessionsKeepContextNeededAndReceivedChunks() throws Exception {
        MetadataStore s = fresh();
        Manifest m = manifest(8, 400_000);
        BitSet needed = new BitSet();
        needed.set(1);
        needed.set(3);
        s.createUpload(new UploadRecord("u1", "dev-c", m, UploadRecord.State.CHALLENGED, new byte[] {1, 2}, null, 20, 20,
                "{\"target\":\"dev-d\"}"));
        s.createUpload(new UploadRecord("u2", "dev-c", m, UploadRecord.State.CHALLENGED, new byte[] {3}, null, 21, 21));
        s.createUpload(new UploadRecord("u0", "dev-x", m, UploadRecord.State.CHALLENGED, new byte[] {4}, null, 1, 1));

        UploadRecord u1 = s.upload("u1").orElseThrow();
        assertThat(u1.device()).isEqualTo("dev-c");
        assertThat(u1.manifest()).isEqualTo(m);
        assertThat(u1.state()).isEqualTo(UploadRecord.State.CHALLENGED);
        assertThat(u1.challenge()).containsExactly(1, 2);
        assertThat(u1.needed()).isNull();
        assertThat(u1.context()).isEqualTo("{\"target\":\"dev-d\"}");
        assertThat(u1.createdAt()).isEqualTo(20);
        assertThat(s.upload("u2").orElseThrow().context()).isNull();
        assertThat(s.upload("nope")).isEmpty();
        s.setUploadContext("u2", "{\"delegated\":true}", 21);
        assertThat(s.upload("u2").orElseThrow().context()).isEqualTo("{\"delegated\":true}");

        s.setUploadState("u1", UploadRecord.State.UPLOADING, needed, 22);
        s.setUploadState("u2", UploadRecord.State.UPLOADING, new BitSet(), 23);
        assertThat(s.upload("u1").orElseThrow()).satisfies(u -> {
            assertThat(u.needed()).isEqualTo(needed);
            assertThat(u.state()).isEqualTo(UploadRecord.State.UPLOADING);
            assertThat(u.updatedAt()).isEqualTo(22);
            assertThat(u.createdAt()).isEqualTo(20);
        });
        assertThat(s.upload("u2").orElseThrow().needed()).isNotNull().isEqualTo(new BitSet()); // empty, not undecided

        s.chunkReceived("u1", 3, 24);
        s.chunkReceived("u1", 3, 25);
        s.chunkReceived("u1", 200, 25);
        BitSet received = new BitSet();
        received.set(3);
        received.set(200);
        assertThat(s.receivedChunks("u1")).isEqualTo(received);
        assertThat(s.receivedChunks("u2")).isEqualTo(new BitSet());

        assertThat(s.openUploads("dev-c")).containsExactly("u1", "u2");
        s.setUploadState("u2", UploadRecord.State.COMPLETE, null, 40); // null keeps the stored set
        assertThat(s.upload("u2").orElseThrow().needed()).isEqualTo(new BitSet());
        s.setUploadState("u1", UploadRecord.State.FAILED, null, 41);
        assertThat(s.upload("u1").orElseThrow().needed()).isEqualTo(needed);
        assertThat(s.openUploads("dev-c")).isEmpty();
        assertThat(s.openUploads("dev-x")).containsExactly("u0");
        assertThatThrownBy(() -> s.createUpload(new UploadRecord("u0", "dev-x", m, UploadRecord.State.CHALLENGED, new byte[] {4},
                null, 1, 1))).isInstanceOf(MetadataStore.StoreException.class);
    }

    @Test
    void staleUploadsAreOpenSessionsNotUpdatedSinceOldestFirst() throws Exception {
        MetadataStore s = fresh();
        Manifest m = manifest(9, 1000);
        s.createUpload(new UploadRecord("late", "d", m, UploadRecord.State.CHALLENGED, new byte[] {1}, null, 1, 30));
        s.createUpload(new UploadRecord("early", "d", m, UploadRecord.State.CHALLENGED, new byte[] {1}, null, 1, 10));
        s.createUpload(new UploadRecord("mid", "e", m, UploadRecord.State.UPLOADING, new byte[] {1}, new BitSet(), 1, 20));
        s.createUpload(new UploadRecord("done", "d", m, UploadRecord.State.COMPLETE, new byte[] {1}, null, 1, 5));
        s.createUpload(new UploadRecord("dead", "d", m, UploadRecord.State.FAILED, new byte[] {1}, null, 1, 5));
        s.createUpload(new UploadRecord("fresh", "d", m, UploadRecord.State.UPLOADING, new byte[] {1}, null, 1, 100));
        assertThat(s.staleUploads(50, 10)).containsExactly("early", "mid", "late");
        assertThat(s.staleUploads(50, 2)).containsExactly("early", "mid");
        assertThat(s.staleUploads(10, 10)).isEmpty(); // strictly before
        s.setUploadState("early", UploadRecord.State.UPLOADING, null, 60);
        assertThat(s.staleUploads(50, 10)).containsExactly("mid", "late");
    }

    @Test
    void orphanChunksAreOldUnreferencedChunks() throws Exception {
        MetadataStore s = fresh();
        Manifest m = manifest(10, 200_000);
        for (Manifest.Chunk c : m.chunks()) {
            s.putChunk(c.id(), c.length(), 1);
        }
        s.putContent(m, 2);
        s.putChunk(id(1), 10, 3);
        s.putChunk(id(2), 10, 5);
        s.putChunk(id(3), 10, 50);
        assertThat(s.orphanChunks(10, 10)).containsExactly(id(1), id(2));
        assertThat(s.orphanChunks(10, 1)).containsExactly(id(1));
        assertThat(s.orphanChunks(3, 10)).isEmpty();
        assertThat(s.orphanChunks(100, 10)).containsExactly(id(1), id(2), id(3));
        s.deleteChunk(id(1));
        assertThat(s.orphanChunks(100, 10)).containsExactly(id(2), id(3));
    }

    @Test
    void usageAddsUpPerDeviceAndDay() throws Exception {
        MetadataStore s = fresh();
        assertThat(s.usage("a", 20_000)).isZero();
        assertThat(s.addUsage("a", 20_000, 100)).isEqualTo(100);
        assertThat(s.addUsage("a", 20_000, 50)).isEqualTo(150);
        assertThat(s.addUsage("a", 20_001, 7)).isEqualTo(7);
        assertThat(s.addUsage("b", 20_000, 0)).isZero();
        assertThat(s.addUsage("b", 20_000, 5_000_000_000L)).isEqualTo(5_000_000_000L); // beyond 32 bits
        assertThat(s.usage("a", 20_000)).isEqualTo(150);
        assertThat(s.usage("a", 20_001)).isEqualTo(7);
        assertThat(s.usage("b", 20_000)).isEqualTo(5_000_000_000L);
        assertThat(s.usage("a", 19_999)).isZero();
    }

    @Test
    void concurrentUsageAddsAreAtomic() throws Exception {
        MetadataStore s = fresh();
        int threads = 8;
        int each = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    List<Long> totals = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        totals.add(s.addUsage("busy", 1, 1));
                    }
                    return totals;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> f : results) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            // every add saw its own new total: exactly 1..N, none lost, none repeated
            assertThat(all).containsExactlyInAnyOrderElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, (long) threads * each).boxed().toList());
        } finally {
            pool.shutdownNow();
        }
        assertThat(s.usage("busy", 1)).isEqualTo((long) threads * each);
    }

    @Test
    void everythingSurvivesARestart() throws Exception {
        Storage storage = newStorage();
        Manifest m = manifest(5, 400_000);
        BitSet needed = new BitSet();
        needed.set(1);
        needed.set(3);
        long deliveryId;
        MetadataStore s = open(storage);
        s.putContent(m, 10);
        for (Manifest.Chunk c : m.chunks()) {
            s.putChunk(c.id(), c.length(), 10);
        }
        s.putChunk(id(1), 10, 11);
        s.addOwner("dev-a", m.contentId(), 12);
        deliveryId = s.createDelivery(m.contentId(), "dev-a", "dev-b", "a.jpg", 14);
        s.deliveryAttempted(deliveryId, 15);
        s.createUpload(new UploadRecord("u1", "dev-c", m, UploadRecord.State.CHALLENGED, new byte[] {1, 2}, null, 20, 20, "ctx"));
        s.setUploadState("u1", UploadRecord.State.UPLOADING, needed, 21);
        s.chunkReceived("u1", 3, 22);
        s.createUpload(new UploadRecord("u2", "dev-c", m, UploadRecord.State.CHALLENGED, new byte[] {3}, null, 24, 24));
        s.setUploadState("u2", UploadRecord.State.UPLOADING, new BitSet(), 25);
        s.addUsage("dev-c", 3, 1234);
        s.close();
        opened.remove(s);

        MetadataStore r = open(storage);
        assertThat(r.content(m.contentId())).contains(m);
        assertThat(r.hasChunk(m.chunk(0).id())).isTrue();
        assertThat(r.chunkReferenced(m.chunk(1).id())).isTrue();
        assertThat(r.orphanChunks(100, 10)).containsExactly(id(1));
        assertThat(r.isOwner("dev-a", m.contentId())).isTrue();
        assertThat(r.ownedBy("dev-a")).containsExactly(m.contentId());
        assertThat(r.pendingFor("dev-b")).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(deliveryId);
            assertThat(d.attempts()).isEqualTo(1);
            assertThat(d.senderDevice()).isEqualTo("dev-a");
            assertThat(d.name()).isEqualTo("a.jpg");
            assertThat(d.updatedAt()).isEqualTo(15);
        });
        UploadRecord u = r.upload("u1").orElseThrow();
        assertThat(u.manifest()).isEqualTo(m);
        assertThat(u.state()).isEqualTo(UploadRecord.State.UPLOADING);
        assertThat(u.needed()).isEqualTo(needed);
        assertThat(u.challenge()).containsExactly(1, 2);
        assertThat(u.context()).isEqualTo("ctx");
        assertThat(r.upload("u2").orElseThrow().needed()).isEqualTo(new BitSet());
        assertThat(r.receivedChunks("u1")).isEqualTo(BitSet.valueOf(new long[] {1L << 3}));
        assertThat(r.openUploads("dev-c")).containsExactly("u1", "u2");
        assertThat(r.staleUploads(100, 10)).containsExactly("u1", "u2");
        assertThat(r.usage("dev-c", 3)).isEqualTo(1234);
        // a new delivery after the restart gets a new id
        assertThat(r.createDelivery(m.contentId(), "dev-a", "dev-b", null, 50)).isGreaterThan(deliveryId);
    }
}
