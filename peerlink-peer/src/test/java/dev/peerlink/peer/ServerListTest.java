package dev.peerlink.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** {@code --server A,B,C} as users write it. */
class ServerListTest {
    @Test
    void hostPortEntriesBecomeSignallingUrlsInTheOrderWritten() {
        assertThat(ServerList.parse("a.example:7000, 10.0.0.2:7001,[::1]:7002")).containsExactly(
                URI.create("ws://a.example:7000/v1/signal"), URI.create("ws://10.0.0.2:7001/v1/signal"),
                URI.create("ws://[::1]:7002/v1/signal"));
    }

    @Test
    void urlsAreKeptAsGiven() {
        assertThat(ServerList.parse("wss://signal.example/v1/signal,ws://b:7000/v1/signal")).containsExactly(
                URI.create("wss://signal.example/v1/signal"), URI.create("ws://b:7000/v1/signal"));
        assertThat(ServerList.parse("host:7000")).containsExactly(URI.create("ws://host:7000/v1/signal"));
    }

    @Test
    void emptyEntriesAndOtherSchemesAreRefused() {
        assertThatThrownBy(() -> ServerList.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServerList.parse("a:1,,b:2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> ServerList.parse("a:1,")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServerList.parse("http://a:1/v1/signal")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ws://");
    }

    @Test
    void thePeerBuilderTakesTheListAsServer() throws Exception {
        try (Peer p = Peer.builder().identity(DeviceIdentity.ephemeral(dev.peerlink.protocol.DeviceId.of("list")))
                .server("127.0.0.1:1,127.0.0.1:2").discovery(false).build()) {
            assertThat(p.signalling().servers()).containsExactly(URI.create("ws://127.0.0.1:1/v1/signal"),
                    URI.create("ws://127.0.0.1:2/v1/signal"));
        }
    }
}
