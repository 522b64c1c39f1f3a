package dev.peerlink.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.cluster.internal.Rendezvous;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendezvousTest {
    static final int KEYS = 30_000;

    @Test
    void keysSpreadEvenlyAndOnlyALeavingMembersKeysMove() {
        List<String> three = List.of("10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000");
        List<String> two = List.of("10.0.0.1:7000", "10.0.0.3:7000");
        Map<String, Integer> share = new HashMap<>();
        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            String key = "device-" + i;
            String before = Rendezvous.owner(key, three);
            share.merge(before, 1, Integer::sum);
            String after = Rendezvous.owner(key, two);
            if (!before.equals(after)) {
                moved++;
                assertThat(before).as("only the leaver's keys move").isEqualTo("10.0.0.2:7000");
            }
        }
        assertThat(share.values()).allSatisfy(n -> assertThat(n).isBetween(KEYS / 3 - KEYS / 30, KEYS / 3 + KEYS / 30));
        assertThat(moved).isEqualTo(share.get("10.0.0.2:7000"));
        assertThat(Rendezvous.owner("x", List.of())).isNull();
    }
}
