package dev.peerlink.server.signal.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.protocol.Aliases;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.server.cluster.DeviceRegistry;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single-process registry's own guarantees, which the registrar relies on now that it writes outside its lock:
 * an alias held by one device is refused to another (typed), and a device is never bound to a second key.
 */
class DeviceStoreTest {
    @TempDir
    Path dir;

    @Test
    void anAliasHeldByAnotherDeviceIsRefusedTypedAndNothingChanges() throws Exception {
        try (DeviceStore store = DeviceStore.open(dir)) {
            store.bind(DeviceId.of("a"), "key-a", 1, 1, "{}", new Aliases(null, null, "shared"));
            assertThatThrownBy(() -> store.bind(DeviceId.of("b"), "key-b", 2, 2, "{}", new Aliases(null, null, "shared")))
                    .isInstanceOf(DeviceRegistry.AliasTaken.class);
            assertThat(store.loadAll()).singleElement().satisfies(row -> {
                assertThat(row.id()).isEqualTo(DeviceId.of("a"));
                assertThat(row.aliases()).isEqualTo(new Aliases(null, null, "shared"));
            });
        }
    }

    @Test
    void aDeviceIsNeverBoundToASecondKey() throws Exception {
        try (DeviceStore store = DeviceStore.open(dir)) {
            store.bind(DeviceId.of("a"), "key-a", 1, 1, "{}", new Aliases(null, null, "first"));
            assertThatThrownBy(() -> store.bind(DeviceId.of("a"), "key-other", 2, 2, "{}", new Aliases(null, null, "second")))
                    .isInstanceOf(SQLException.class).hasMessageContaining("bound to another key");
            assertThat(store.loadAll()).singleElement().satisfies(row -> {
                assertThat(row.publicKey()).isEqualTo("key-a");
                assertThat(row.aliases()).isEqualTo(new Aliases(null, null, "first"));
            });
        }
    }
}
