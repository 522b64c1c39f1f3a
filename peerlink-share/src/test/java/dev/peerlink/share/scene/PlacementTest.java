package dev.peerlink.share.scene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.share.Location;
import dev.peerlink.share.NetworkId;
import dev.peerlink.share.geo.GeoPoint;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private static final Location HERE = Location.manual(GeoPoint.of(1, 2), 1_700_000_000_000L);

    @Test
    void needsALocationOrANetwork() {
        assertThatThrownBy(() -> new Placement(null, Set.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Placement(null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Placement.at(HERE).networks()).isEmpty();
        assertThat(Placement.on("cell:1").hasLocation()).isFalse();
    }

    @Test
    void networksAreValidatedAndCopiedImmutable() {
        Set<String> ids = new HashSet<>(Set.of("cell:1"));
        Placement p = new Placement(HERE, ids);
        ids.add("cell:2");
        assertThat(p.networks()).containsExactly("cell:1");
        assertThatThrownBy(() -> p.networks().add("cell:3")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> Placement.on("aa:bb:cc:dd:ee:ff")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NetworkId.wifi");
        assertThat(Placement.on(NetworkId.wifi("aa:bb:cc:dd:ee:ff"), "cell:1", "cell:1").networks()).hasSize(2);
    }

    @Test
    void networkCountIsBounded() {
        Set<String> many = new HashSet<>();
        for (int i = 0; i <= Placement.MAX_NETWORKS; i++) {
            many.add("cell:" + i);
        }
        assertThatThrownBy(() -> new Placement(HERE, many)).isInstanceOf(IllegalArgumentException.class);
        many.remove("cell:0");
        assertThat(new Placement(HERE, many).networks()).hasSize(Placement.MAX_NETWORKS);
    }
}
