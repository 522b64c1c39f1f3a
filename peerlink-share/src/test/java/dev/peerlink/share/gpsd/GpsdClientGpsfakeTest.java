package dev.peerlink.share.gpsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.share.Location;
import dev.peerlink.share.LocationSource;
import dev.peerlink.testkit.gpsd.Gpsfake;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a real gpsd, fed by gpsfake from {@code gpsd/drive-north.nmea}: a drive north at
 * ~11 m/s from 31.2304 N 121.4737 E, one GGA+RMC pair per second of log time.
 */
class GpsdClientGpsfakeTest {
    /** What gpsd adds to the GGA (mean sea level) altitude to report altHAE: the GGA geoid separation. */
    private static final double GEOID_SEPARATION = 9.0;

    /** One GGA of the log: where and when. */
    record Logged(double lat, double lon, double altMsl, Instant time) {}

    @TempDir
    static Path dir;
    private static Gpsfake gpsfake;
    private static List<Logged> log;
    private static InetSocketAddress gpsdAddress;

    @BeforeAll
    static void startGpsfake() throws Exception {
        if (!installed()) {
            return; // the test reports the skip (an assumption failing here would hide it from the report)
        }
        Path nmea = Gpsfake.shippedLog(Gpsfake.DRIVE_NORTH, dir);
        log = readGga(nmea);
        // 0.2 s between sentences (the log lasts 12 s), so the first fixes come after we connect
        gpsfake = Gpsfake.start(nmea, dir, 0.2);
        gpsdAddress = gpsfake.address();
    }

    @AfterAll
    static void stopGpsfake() {
        if (gpsfake != null) {
            gpsfake.close();
        }
    }

    private static boolean installed() {
        return Gpsfake.unavailable().isEmpty();
    }

    @Test
    void fixesFromARealGpsdMatchTheLogAndMoveNorth() throws Exception {
        if (!installed()) {
            System.out.println("SKIPPED (GpsdClientGpsfakeTest): " + Gpsfake.unavailable().orElseThrow());
        }
        Assumptions.assumeTrue(installed(), "gpsfake or gpsd not installed");
        AtomicReference<GpsdClient> connected = new AtomicReference<>();
        await("gpsd listening").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            assertThat(gpsfake.isAlive()).as("gpsfake running; see " + gpsfake.log()).isTrue();
            try {
                connected.set(GpsdClient.connect(gpsdAddress, Duration.ofSeconds(2)));
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        try (GpsdClient client = connected.get()) {
            List<Location> fixes = new CopyOnWriteArrayList<>();
            client.onFix(fixes::add);
            Location first = client.awaitFix(Duration.ofSeconds(5));

            assertThat(first.source()).isEqualTo(LocationSource.GNSS);
            assertMatchesLog(first);

            // two positions on (the log moves 1e-4 degrees per second); gpsd reports each epoch after GGA and after RMC
            double further = first.point().lat() + 1.5e-4;
            await("fixes further north").atMost(Duration.ofSeconds(5))
                    .until(() -> fixes.stream().anyMatch(f -> f.point().lat() > further));
            List<Location> seen = List.copyOf(fixes);
            seen.forEach(GpsdClientGpsfakeTest::assertMatchesLog);
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i).point().lat()).as("fix %d is not south of fix %d", i, i - 1)
                        .isGreaterThanOrEqualTo(seen.get(i - 1).point().lat());
            }
            assertThat(seen).as("some 3D fixes").anyMatch(f -> f.point().hasAltitude());
            assertThat(client.skippedLines()).isZero();
        }
    }

    /**
     * The fix is one of the logged positions, with its altitude if 3D (as height above the ellipsoid) and its
     * time — or the time of receipt for the reports gpsd sends before an RMC gave it the date.
     */
    private static void assertMatchesLog(Location fix) {
        Logged at = log.stream().filter(l -> Math.abs(l.lat() - fix.point().lat()) < 1e-5).findFirst()
                .orElseThrow(() -> new AssertionError("fix latitude " + fix.point().lat() + " is not in the log"));
        assertThat(fix.point().lon()).isCloseTo(at.lon(), Offset.offset(1e-5));
        if (fix.point().hasAltitude()) { // none in the 2D fixes gpsd reports from an RMC before it saw a GGA
            assertThat(fix.point().alt()).isCloseTo(at.altMsl() + GEOID_SEPARATION, Offset.offset(1e-3));
        }
        assertThat(fix.accuracyMeters()).isGreaterThanOrEqualTo(GpsdMessages.MIN_ACCURACY_METERS);
        if (fix.timeMillis() != at.time().toEpochMilli()) {
            assertThat(fix.timeMillis()).as("untimed report stamped on receipt")
                    .isCloseTo(System.currentTimeMillis(), Offset.offset(60_000L));
        }
    }

    /** Reads the GGA sentences back (ddmm.mmmm to degrees), the log's own truth. */
    private static List<Logged> readGga(Path nmea) throws IOException {
        List<Logged> out = new ArrayList<>();
        for (String line : Files.readAllLines(nmea)) {
            if (!line.startsWith("$GPGGA,")) {
                continue;
            }
            String[] f = line.split(",");
            double lat = Integer.parseInt(f[2].substring(0, 2)) + Double.parseDouble(f[2].substring(2)) / 60;
            double lon = Integer.parseInt(f[4].substring(0, 3)) + Double.parseDouble(f[4].substring(3)) / 60;
            Instant time = Instant.parse("2024-05-01T" + f[1].substring(0, 2) + ":" + f[1].substring(2, 4) + ":"
                    + f[1].substring(4, 6) + "Z");
            out.add(new Logged(lat, lon, Double.parseDouble(f[9]), time));
        }
        assertThat(out).hasSize(30);
        return out;
    }
}
