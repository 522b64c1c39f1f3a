package dev.peerlink.cast.media.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StderrRingTest {
    @Test
    void keepsOnlyTheLastLinesAndSkipsBlankOnes() {
        StderrRing ring = new StderrRing(3);
        ring.drain(new ByteArrayInputStream("one\n\ntwo\r\nthree\n  four  \n".getBytes(StandardCharsets.UTF_8)));
        assertThat(ring.lines()).containsExactly("two", "three", "four");
    }

    @Test
    void cutsLongLines() {
        StderrRing ring = new StderrRing(2);
        ring.add("x".repeat(5000));
        assertThat(ring.lines().get(0)).hasSize(501).endsWith("…");
    }
}
