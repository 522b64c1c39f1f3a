package dev.peerlink.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The text form of messages between instances: every field survives, including absent ones and awkward characters. */
class ClusterMessageTest {
    @Test
    void everyFieldRoundTripsIncludingNullsNewlinesAndSeparators() {
        ClusterMessage offer = new ClusterMessage(ClusterMessage.Kind.OFFER, "i-1", "dev\nice", "s=1%2", "r 7", 1_234_567L,
                "{\"type\":\"incoming\",\n\"x\":\"-\"}");
        assertThat(ClusterMessage.decode(offer.encode())).isEqualTo(offer);

        ClusterMessage bare = new ClusterMessage(ClusterMessage.Kind.REPLACED, "i-2", "d", null, null, 0, null);
        assertThat(ClusterMessage.decode(bare.encode())).isEqualTo(bare);

        ClusterMessage empty = ClusterMessage.deliver("i-3", "d", null, "");
        assertThat(ClusterMessage.decode(empty.encode()).body()).isNull(); // an empty body is no body
    }

    @Test
    void aTruncatedMessageIsRefused() {
        assertThatThrownBy(() -> ClusterMessage.decode("DELIVER\n=i\n=d")).isInstanceOf(IllegalArgumentException.class);
    }
}
