package dev.peerlink.exit.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.exit.ExitException;
import dev.peerlink.exit.wire.ExitError;
import org.junit.jupiter.api.Test;

class RequestersTest {
    @Test
    void capsFlowsPerRequesterAndDistinctUsers() throws Exception {
        Requesters r = new Requesters(2, 2, 0);
        Requesters.Requester a1 = r.reserve("a");
        Requesters.Requester a2 = r.reserve("a");
        assertThatThrownBy(() -> r.reserve("a")).isInstanceOf(ExitException.class)
                .satisfies(e -> assertThat(((ExitException) e).error()).isEqualTo(ExitError.TOO_MANY_FLOWS));
        Requesters.Requester b = r.reserve("b");
        assertThatThrownBy(() -> r.reserve("c")).hasMessageContaining("2 users");
        assertThat(r.flows()).isEqualTo(3);
        assertThat(r.users()).isEqualTo(2);
        r.release(b);
        assertThat(r.reserve("c").id()).isEqualTo("c");
        r.release(a1);
        assertThat(r.flowsOf("a")).isEqualTo(1);
        r.release(a2);
        assertThat(r.flowsOf("a")).isZero();
        assertThatThrownBy(() -> r.release(a2)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void bucketsOnlyWithABandwidthLimit() throws Exception {
        assertThat(new Requesters(1, 0, 0).reserve("a").bucket(true)).isNull();
        Requesters.Requester limited = new Requesters(1, 0, 1000).reserve("a");
        assertThat(limited.bucket(true)).isNotNull().isNotSameAs(limited.bucket(false));
    }
}
