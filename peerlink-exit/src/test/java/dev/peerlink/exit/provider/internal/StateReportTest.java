package dev.peerlink.exit.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.exit.wire.ExitDatagram;
import dev.peerlink.share.wire.LinkState;
import org.junit.jupiter.api.Test;

class StateReportTest {
    @Test
    void carriesLoadAndKnownLinkMeasuresWithinOneDatagram() {
        String json = StateReport.json(3, 2, 1, 1234, 5678, LinkState.UNKNOWN);
        assertThat(json).contains("\"flows\":3", "\"requesters\":2", "\"yourFlows\":1", "\"upBps\":1234", "\"downBps\":5678",
                "\"online\":true", "\"network\":\"other\"").doesNotContain("NaN", "rttMs", "batteryPct");
        assertThat(StateReport.json(0, 0, 0, 0, 0, null)).doesNotContain("link");
        assertThat(ExitDatagram.encode(new ExitDatagram.State(json)).length).isLessThan(ExitDatagram.MAX_BYTES);
    }
}
