package dev.peerlink.server.transfer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.protocol.Message;
import dev.peerlink.server.transfer.TransferStats;
import dev.peerlink.testkit.db.EmbeddedPostgres;
import dev.peerlink.transfer.ChunkingParams;
import dev.peerlink.transfer.Manifest;
import dev.peerlink.transfer.PostgresMetadataStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two server instances' delivery hubs over one PostgreSQL (cluster mode): a delivery created on one reaches its target
 * through the other once the first is gone, and while both run every retry goes out from exactly one of them.
 */
class DeliveryHubSharedStoreTest {
    @RegisterExtension
    static final EmbeddedPostgres PG = new EmbeddedPostgres();
    static final long RETRY = 1000;

    final AtomicLong now = new AtomicLong(1_000_000);
    PostgresMetadataStore storeA, storeB;

    /** One instance's signalling: who it can reach, and the delivery notices it sent. */
    static final class Signalling implements TransferService.Registry {
        final Set<String> online = ConcurrentHashMap.newKeySet();
        final List<Long> notices = new ArrayList<>();

        @Override
        public String checkKey(String device, String key) {
            return null;
        }

        @Override
        public boolean knows(String device) {
            return true;
        }

        @Override
        public boolean online(String device) {
            return online.contains(device);
        }

        @Override
        public synchronized boolean announce(String device, Message.Delivery notice) {
            if (!online.contains(device)) {
                return false;
            }
            notices.add(notice.delivery());
            return true;
        }
    }

    @BeforeEach
    void open() throws Exception {
        String url = PG.createDatabase();
        storeA = PostgresMetadataStore.open(url, EmbeddedPostgres.SUPERUSER, null);
        storeB = PostgresMetadataStore.open(url, EmbeddedPostgres.SUPERUSER, null);
    }

    @AfterEach
    void close() throws Exception {
        storeA.close();
        storeB.close();
    }

    long createOn(DeliveryHub hub, PostgresMetadataStore store) {
        byte[] b = new byte[1000];
        new Random(1).nextBytes(b);
        Manifest m = Manifest.build(b, ChunkingParams.DEFAULT);
        store.putContent(m, now.get());
        long id = store.createDelivery(m.contentId(), "laptop", "phone", "a.txt", now.get());
        hub.created(store.delivery(id).orElseThrow());
        return id;
    }

    @Test
    void aDeliveryCreatedOnAnInstanceThatDiedReachesItsTargetThroughAnother() {
        Signalling a = new Signalling(), b = new Signalling();
        DeliveryHub hubA = new DeliveryHub(storeA, now::get, RETRY, a, new TransferStats());
        DeliveryHub hubB = new DeliveryHub(storeB, now::get, RETRY, b, new TransferStats());
        b.online.add("phone"); // the target is connected to B; A created the delivery, then died (never retries)
        long id = createOn(hubA, storeA);
        assertThat(a.notices).isEmpty();
        now.addAndGet(RETRY - 1);
        hubB.retry();
        assertThat(b.notices).as("not due yet").isEmpty();
        now.addAndGet(1);
        hubB.retry();
        assertThat(b.notices).containsExactly(id);
        assertThat(storeB.delivery(id).orElseThrow().attempts()).isEqualTo(1);
        now.addAndGet(RETRY);
        hubB.retry();
        assertThat(b.notices).as("B keeps retrying it").containsExactly(id, id);
    }

    @Test
    void whileBothRunEachRetryGoesOutOnce() {
        Signalling a = new Signalling(), b = new Signalling();
        // cluster-wide presence: both instances see the target online and can reach it
        a.online.add("phone");
        b.online.add("phone");
        DeliveryHub hubA = new DeliveryHub(storeA, now::get, RETRY, a, new TransferStats());
        DeliveryHub hubB = new DeliveryHub(storeB, now::get, RETRY, b, new TransferStats());
        long id = createOn(hubA, storeA);
        hubB.online("phone");
        int initial = a.notices.size() + b.notices.size();
        for (int round = 1; round <= 3; round++) {
            now.addAndGet(RETRY);
            hubA.retry();
            hubB.retry();
            assertThat(a.notices.size() + b.notices.size() - initial).as("retries after %d intervals", round).isEqualTo(round);
            assertThat(storeA.delivery(id).orElseThrow().attempts()).isEqualTo(round);
        }
    }
}
