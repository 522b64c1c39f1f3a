package dev.peerlink.cli;

import dev.peerlink.share.Location;
import dev.peerlink.share.LocationSource;
import dev.peerlink.share.NetworkId;
import dev.peerlink.share.fingerprint.WifiFingerprint;
import dev.peerlink.share.fingerprint.WifiScan;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.gpsd.GpsdClient;
import dev.peerlink.share.scene.SceneKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Option;

/**
 * Where the device is, by the positioning mode that fits its scene (seed 001 claim 2): GNSS from gpsd outdoors, a
 * Wi-Fi scan indoors (located by the server's radio map), or a position given by hand; plus the network ids it
 * reports for the same-network scene.
 */
final class PositionOptions {
    @Option(names = "--at", paramLabel = "LAT,LON[,ALT]", description = "Position by hand (decimal degrees, metres).")
    String at;

    @Option(names = "--accuracy", paramLabel = "M", description = "Accuracy of --at in metres (default: 10).")
    Double accuracy;

    @Option(names = "--gpsd", paramLabel = "HOST:PORT", description = "Read GNSS fixes from gpsd (e.g. 127.0.0.1:2947).")
    String gpsd;

    @Option(names = "--wifi-scan", paramLabel = "FILE",
            description = "A Wi-Fi scan (JSON [{bssid,rssi}], `iw dev IF scan` or `nmcli -t -f BSSID,SIGNAL dev wifi` output); "
                    + "BSSIDs are hashed before they leave the device.")
    Path wifiScan;

    @Option(names = "--network", paramLabel = "ID",
            description = "A network this device is on, for the same-network scene: cell:MCC-MNC-LAC-CID, or wifi:BSSID "
                    + "(hashed here: the raw BSSID never goes on the wire). Repeatable.")
    List<String> networks = new ArrayList<>();

    @Option(names = "--wifi-salt", paramLabel = "S", hidden = true, description = "Salt of the BSSID hashes (default: the protocol's).")
    String salt = NetworkId.DEFAULT_SALT;

    /** The reported network ids, BSSIDs hashed. */
    List<String> networkIds() {
        List<String> out = new ArrayList<>();
        for (String n : networks) {
            if (n.startsWith("wifi:") && n.substring(5).matches("(?i)[0-9a-f]{2}([:-][0-9a-f]{2}){5}")) {
                out.add(NetworkId.wifi(n.substring(5), salt));
            } else {
                out.add(NetworkId.validate(n));
            }
        }
        return out;
    }

    /** The fingerprint of {@code --wifi-scan}, or an empty map. */
    Map<String, Integer> wifi() throws IOException {
        return wifiScan == null ? Map.of() : WifiScan.read(wifiScan, salt).rssi();
    }

    /** How the position is taken, as the seed chooses by scene when the user gave more than one. */
    String mode(SceneKind scene) {
        int given = (at != null ? 1 : 0) + (gpsd != null ? 1 : 0) + (wifiScan != null ? 1 : 0);
        if (given == 0) {
            return scene == SceneKind.SAME_NETWORK ? "none" : null;
        }
        if (given == 1) {
            return at != null ? "manual" : gpsd != null ? "gnss" : "wifi";
        }
        boolean indoor = scene == SceneKind.INDOOR || scene == SceneKind.SUBWAY_HALL || scene == SceneKind.SUBWAY_CAR;
        if (indoor && wifiScan != null) {
            return "wifi";
        }
        if (!indoor && gpsd != null) {
            return "gnss";
        }
        return at != null ? "manual" : gpsd != null ? "gnss" : "wifi";
    }

    Location manual() {
        GeoPoint p = GeoPoint.parse(at);
        return new Location(p, accuracy == null ? 10 : accuracy, LocationSource.MANUAL, System.currentTimeMillis());
    }

    GpsdClient openGpsd() throws IOException {
        String[] hp = gpsd.split(":");
        if (hp.length != 2) {
            throw new IllegalArgumentException("--gpsd HOST:PORT");
        }
        return GpsdClient.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), Duration.ofSeconds(5));
    }

    /** The first GNSS fix (waits up to {@code wait}). */
    Location gnssFix(GpsdClient c, Duration wait) throws IOException {
        try {
            return c.awaitFix(wait);
        } catch (TimeoutException e) {
            throw new IOException("no GNSS fix from gpsd at " + gpsd + " within " + wait.toSeconds() + " s");
        }
    }
}
