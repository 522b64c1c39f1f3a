package dev.peerlink.cli;

import dev.peerlink.peer.SignallingClient;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.wire.ShareBody;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "survey", mixinStandardHelpOptions = true,
        description = {"Records a radio-map reference point on the server: the Wi-Fi scan seen at a known position (indoors,",
                "where GNSS fails). Requesters that find with --wifi-scan are located against these points by k-nearest",
                "neighbours. BSSIDs are hashed on this device. Exit codes: 0 recorded, 2 refused, 1 other failure."})
final class ShareSurveyCommand implements Callable<Integer> {
    @Mixin
    ShareDevice device;

    @Option(names = "--at", paramLabel = "LAT,LON[,ALT]", required = true, description = "Where the scan was taken (give ALT indoors: floors differ).")
    String at;

    @Option(names = "--wifi-scan", paramLabel = "FILE", required = true, description = "The scan, in any format find --wifi-scan takes.")
    java.nio.file.Path scan;

    @Option(names = "--site", paramLabel = "NAME", description = "A label for the building or station (a-z0-9.+/-).")
    String site;

    @Option(names = "--wifi-salt", paramLabel = "S", hidden = true)
    String salt = dev.peerlink.share.NetworkId.DEFAULT_SALT;

    @Override
    public Integer call() throws Exception {
        Map<String, Integer> wifi = dev.peerlink.share.fingerprint.WifiScan.read(scan, salt).rssi();
        ShareBody.Survey survey = new ShareBody.Survey(GeoPoint.parse(at), wifi, site);
        try (SignallingClient c = device.register()) {
            ShareDevice.share(c).survey(survey).join();
        } catch (CompletionException e) {
            return ShareDevice.refused("survey", e);
        }
        System.out.println(ShareJson.event("surveyed", "accessPoints", wifi.size(), "site", site));
        return 0;
    }
}
