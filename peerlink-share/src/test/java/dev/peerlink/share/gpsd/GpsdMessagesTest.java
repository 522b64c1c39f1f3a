package dev.peerlink.share.gpsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.share.Location;
import dev.peerlink.share.LocationSource;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GpsdMessagesTest {
    private static final long NOW = 1_700_000_000_000L;

    @Test
    void tpvWithoutFixIsIgnored() throws Exception {
        assertThat(GpsdMessages.parseLine("{\"class\":\"TPV\",\"device\":\"/dev/ttyUSB0\",\"mode\":1}", NOW)).isEmpty();
        assertThat(GpsdMessages.parseLine("{\"class\":\"TPV\",\"mode\":0,\"lat\":31.0,\"lon\":121.0}", NOW)).isEmpty();
    }

    @Test
    void otherClassesAreIgnored() throws Exception {
        assertThat(GpsdMessages.parseLine("{\"class\":\"SKY\",\"satellites\":[]}", NOW)).isEmpty();
        assertThat(GpsdMessages.parseLine("{\"class\":\"FUTURE\",\"mode\":3,\"lat\":1,\"lon\":2}", NOW)).isEmpty();
    }

    @Test
    void mode2FixHasNoAltitudeAndDefaultsTimeAndAccuracy() throws Exception {
        Location fix = GpsdMessages.parseLine("{\"class\":\"TPV\",\"mode\":2,\"lat\":31.2304,\"lon\":121.4737,\"alt\":15.5}", NOW)
                .orElseThrow();
        assertThat(fix.source()).isEqualTo(LocationSource.GNSS);
        assertThat(fix.point().lat()).isEqualTo(31.2304);
        assertThat(fix.point().lon()).isEqualTo(121.4737);
        assertThat(fix.point().hasAltitude()).as("a 2D fix's altitude is not measured").isFalse();
        assertThat(fix.accuracyMeters()).isEqualTo(GpsdMessages.DEFAULT_ACCURACY_METERS);
        assertThat(fix.timeMillis()).isEqualTo(NOW);
    }

    @Test
    void mode3FixPrefersHeightAboveEllipsoidAndTakesWorstErrorEstimate() throws Exception {
        Location fix = GpsdMessages.parseLine("{\"class\":\"TPV\",\"mode\":3,\"time\":\"2024-05-01T08:00:17.000Z\","
                + "\"lat\":31.2321,\"lon\":121.4737,\"altHAE\":22.7,\"altMSL\":13.7,\"alt\":13.7,"
                + "\"eph\":17.1,\"epx\":4.0,\"epy\":21.5}", NOW).orElseThrow();
        assertThat(fix.point().alt()).isEqualTo(22.7);
        assertThat(fix.accuracyMeters()).isEqualTo(21.5);
        assertThat(fix.timeMillis()).isEqualTo(Instant.parse("2024-05-01T08:00:17Z").toEpochMilli());
    }

    @Test
    void mode3FallsBackToAltAndClampsTinyErrors() throws Exception {
        Location fix = GpsdMessages.parseLine("{\"class\":\"TPV\",\"mode\":3,\"lat\":1.5,\"lon\":2.5,\"alt\":13.7,\"eph\":0.2}", NOW)
                .orElseThrow();
        assertThat(fix.point().alt()).isEqualTo(13.7);
        assertThat(fix.accuracyMeters()).isEqualTo(GpsdMessages.MIN_ACCURACY_METERS);
    }

    @Test
    void malformedJsonIsRefused() {
        assertThatThrownBy(() -> GpsdMessages.parseLine("{\"class\":\"TPV\",\"mode\":3,", NOW))
                .isInstanceOf(GpsdProtocolException.class).hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> GpsdMessages.parseLine("[1,2]", NOW))
                .isInstanceOf(GpsdProtocolException.class).hasMessageContaining("JSON object");
    }

    @Test
    void oversizedLineIsRefused() {
        String huge = "{\"class\":\"TPV\",\"pad\":\"" + "x".repeat(GpsdMessages.MAX_LINE_CHARS) + "\"}";
        assertThatThrownBy(() -> GpsdMessages.parseLine(huge, NOW))
                .isInstanceOf(GpsdProtocolException.class).hasMessageContaining("at most " + GpsdMessages.MAX_LINE_CHARS);
    }

    @Test
    void nanOrOutOfRangeCoordinatesAreRefused() {
        assertThatThrownBy(() -> GpsdMessages.parseLine("{\"class\":\"TPV\",\"mode\":2,\"lat\":NaN,\"lon\":121.0}", NOW))
                .isInstanceOf(GpsdProtocolException.class);
        assertThatThrownBy(() -> GpsdMessages.parseLine("{\"class\":\"TPV\",\"mode\":2,\"lat\":\"NaN\",\"lon\":121.0}", NOW))
                .isInstanceOf(GpsdProtocolException.class).hasMessageContaining("'lat'");
        assertThatThrownBy(() -> GpsdMessages.parseLine("{\"class\":\"TPV\",\"mode\":2,\"lat\":91.0,\"lon\":121.0}", NOW))
                .isInstanceOf(GpsdProtocolException.class).hasMessageContaining("latitude");
        assertThatThrownBy(() -> GpsdMessages.parseLine("{\"class\":\"TPV\",\"mode\":2,\"lon\":121.0}", NOW))
                .isInstanceOf(GpsdProtocolException.class).hasMessageContaining("'lat'");
        assertThatThrownBy(() -> GpsdMessages.parseLine("{\"class\":\"TPV\",\"mode\":3,\"lat\":1,\"lon\":2,\"altHAE\":1e9}", NOW))
                .isInstanceOf(GpsdProtocolException.class).hasMessageContaining("altitude");
    }

    @Test
    void badTimeIsRefused() {
        assertThatThrownBy(() -> GpsdMessages.parseLine("{\"class\":\"TPV\",\"mode\":2,\"lat\":1,\"lon\":2,\"time\":\"yesterday\"}", NOW))
                .isInstanceOf(GpsdProtocolException.class).hasMessageContaining("ISO-8601");
    }

    @Test
    void versionBannerIsRecognised() throws Exception {
        assertThat(GpsdMessages.requireVersion("{\"class\":\"VERSION\",\"release\":\"3.22\",\"proto_major\":3}")).isEqualTo("3.22");
        assertThatThrownBy(() -> GpsdMessages.requireVersion("SSH-2.0-OpenSSH_9.6"))
                .isInstanceOf(GpsdProtocolException.class);
        assertThatThrownBy(() -> GpsdMessages.requireVersion("{\"class\":\"TPV\"}"))
                .isInstanceOf(GpsdProtocolException.class).hasMessageContaining("VERSION");
    }
}
