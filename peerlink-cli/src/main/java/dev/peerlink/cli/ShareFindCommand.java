package dev.peerlink.cli;

import dev.peerlink.peer.SignallingClient;
import dev.peerlink.share.Location;
import dev.peerlink.share.gpsd.GpsdClient;
import dev.peerlink.share.scene.Scene;
import dev.peerlink.share.wire.Conditions;
import dev.peerlink.share.wire.ServiceType;
import dev.peerlink.share.wire.ShareBody;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "find", mixinStandardHelpOptions = true,
        description = {"Finds nearby devices willing to share their internet access (seed 001): the server picks the",
                "devices in the scene's range, asks each of them, and lists those that accept and match what you need,",
                "best first, with their services, connection state and distance (rounded to 10 m).",
                "Exit codes: 0 providers found, 3 none matched, 2 refused by the server, 1 other failure."})
final class ShareFindCommand implements Callable<Integer> {
    @Mixin
    ShareDevice device;

    @Mixin
    PositionOptions position;

    @Mixin
    SceneOptions scene;

    @Option(names = "--need", paramLabel = "S,S", description = "Services required: socks5, http-connect, udp, ipv6.")
    String need;

    @Option(names = "--min-down-kbps", paramLabel = "K", defaultValue = "0", description = "Minimum provider downlink.")
    double minDownKbps;

    @Option(names = "--max-rtt-ms", paramLabel = "MS", defaultValue = "0", description = "Maximum provider RTT.")
    double maxRttMs;

    @Option(names = "--no-metered", description = "Leave out providers on metered links.")
    boolean noMetered;

    @Option(names = "--count", paramLabel = "K", defaultValue = "3", description = "Providers to return at most (1-16, default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--wait-ms", paramLabel = "MS", defaultValue = "3000",
            description = "How long the server waits for providers' answers (100-10000, default: ${DEFAULT-VALUE}).")
    int waitMs;

    @Option(names = "--json", description = "Print one JSON object: providers, stats, locationSource, accuracyMeters.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Scene sc = scene.scene();
        Conditions conditions = new Conditions(ServiceType.parseList(need), minDownKbps, 0, maxRttMs, 0, !noMetered, 0,
                List.of(), List.of());
        try (SignallingClient c = device.register()) {
            Location at = null;
            Map<String, Integer> wifi = Map.of();
            String mode = position.mode(sc.kind());
            if (mode == null) {
                throw new IllegalArgumentException("say where you are: --at LAT,LON[,ALT], --gpsd HOST:PORT or --wifi-scan FILE");
            }
            switch (mode) {
                case "manual" -> at = position.manual();
                case "gnss" -> {
                    try (GpsdClient g = position.openGpsd()) {
                        at = position.gnssFix(g, Duration.ofSeconds(30));
                    }
                }
                case "wifi" -> wifi = position.wifi();
                default -> { }
            }
            ShareBody.Find find = new ShareBody.Find(at, wifi, sc, position.networkIds(), conditions, count, waitMs);
            ShareBody.Found found;
            try {
                found = ShareDevice.share(c).find(find).join();
            } catch (CompletionException e) {
                return ShareDevice.refused("find", e);
            }
            System.out.println(json ? ShareJson.found(found) : ShareJson.foundText(found));
            return found.providers().isEmpty() ? 3 : 0;
        }
    }
}
