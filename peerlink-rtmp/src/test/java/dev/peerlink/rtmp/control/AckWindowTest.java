package dev.peerlink.rtmp.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AckWindowTest {

    @Test
    void acknowledgesOnceAWindowOfBytesHasArrived() {
        AckWindow w = new AckWindow(1000);
        assertThat(w.onReceived(600)).isEmpty();
        assertThat(w.onReceived(399)).isEmpty();
        assertThat(w.onReceived(1)).contains(new Acknowledgement(1000));
        assertThat(w.onReceived(999)).isEmpty();
        assertThat(w.onReceived(1)).contains(new Acknowledgement(2000));
    }

    @Test
    void oneReadSpanningSeveralWindowsYieldsOneAcknowledgementOfTheTotal() {
        AckWindow w = new AckWindow(100);
        assertThat(w.onReceived(350)).contains(new Acknowledgement(350));
        assertThat(w.onReceived(99)).isEmpty();
        assertThat(w.onReceived(1)).contains(new Acknowledgement(450));
    }

    @Test
    void noWindowMeansNoAcknowledgementsUntilThePeerSetsOne() {
        AckWindow w = new AckWindow();
        assertThat(w.onReceived(10_000_000)).isEmpty();
        w.setWindowSize(2_500_000);
        assertThat(w.onReceived(1)).contains(new Acknowledgement(10_000_001));
    }

    @Test
    void sequenceNumberWrapsAt2To32() {
        AckWindow w = new AckWindow(0xFFFF_FFFFL);
        assertThat(w.onReceived(0xFFFF_FFFFL)).contains(new Acknowledgement(0xFFFF_FFFFL));
        assertThat(w.onReceived(0xFFFF_FFFFL)).contains(new Acknowledgement((2 * 0xFFFF_FFFFL) & 0xFFFF_FFFFL));
        assertThat(w.received()).isEqualTo(2 * 0xFFFF_FFFFL);
    }
}
