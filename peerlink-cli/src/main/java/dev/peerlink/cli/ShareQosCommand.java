package dev.peerlink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peerlink.peer.SignallingClient;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.qos.GeoJsonRoute;
import dev.peerlink.share.qos.Route;
import dev.peerlink.share.wire.ShareBody;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "qos", mixinStandardHelpOptions = true,
        description = {"Asks the server's QoS map (connection quality by ~200 m cell and hour of week) for the predicted",
                "quality at a place and time, or at every cell along a route and its weak spots; or reports this",
                "device's own samples (opting in). Cells fewer than k devices reported are not disclosed.",
                "Exit codes: 0 answered, 2 refused, 1 other failure."})
final class ShareQosCommand implements Callable<Integer> {
    static final class What {
        @Option(names = "--at", paramLabel = "LAT,LON", description = "One place.")
        String at;

        @Option(names = "--route", paramLabel = "FILE.geojson",
                description = "A LineString with properties.times (ISO-8601, one per point) or properties.start + speedMps.")
        Path route;

        @Option(names = "--report", paramLabel = "FILE.json",
                description = "Report samples: a JSON array of {lat,lon,time(ms),rttMs,downMbps,upMbps,lossPct,offlineMs,periodMs,network}.")
        Path report;
    }

    @Mixin
    ShareDevice device;

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    @Option(names = "--time", paramLabel = "ISO", description = "With --at: when (default: now), e.g. 2026-12-07T08:30:00Z.")
    String time;

    @Option(names = "--json", description = "Print one JSON object: cells, in route order.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (SignallingClient c = device.register()) {
            var share = ShareDevice.share(c);
            if (what.report != null) {
                List<ShareBody.QosPoint> samples = readSamples(what.report);
                share.reportQos(samples).join();
                System.out.println(ShareJson.event("reported", "samples", samples.size()));
                return 0;
            }
            List<ShareBody.RoutePoint> points = new ArrayList<>();
            if (what.at != null) {
                long when = time == null ? System.currentTimeMillis() : Instant.parse(time).toEpochMilli();
                points.add(new ShareBody.RoutePoint(GeoPoint.parse(what.at), when));
            } else {
                Route r = GeoJsonRoute.read(what.route);
                for (Route.Waypoint w : r.waypoints()) {
                    points.add(new ShareBody.RoutePoint(w.point(), w.time().toEpochMilli()));
                }
            }
            List<ShareBody.CellQuality> cells = share.qos(points).join();
            System.out.println(json ? ShareJson.cells(cells) : text(cells));
            return 0;
        } catch (CompletionException e) {
            return ShareDevice.refused("qos", e);
        }
    }

    private static List<ShareBody.QosPoint> readSamples(Path file) throws java.io.IOException {
        if (Files.size(file) > 4 << 20) {
            throw new IllegalArgumentException(file + " is larger than 4 MiB");
        }
        JsonNode root = ShareJson.MAPPER.readTree(file.toFile());
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException(file + ": expected a JSON array of samples");
        }
        List<ShareBody.QosPoint> out = new ArrayList<>();
        for (JsonNode s : root) {
            out.add(new ShareBody.QosPoint(GeoPoint.of(s.path("lat").asDouble(Double.NaN), s.path("lon").asDouble(Double.NaN)),
                    s.path("time").asLong(0), s.path("rttMs").asDouble(Double.NaN), s.path("downMbps").asDouble(Double.NaN),
                    s.path("upMbps").asDouble(Double.NaN), s.path("lossPct").asDouble(Double.NaN), s.path("offlineMs").asLong(0),
                    s.path("periodMs").asLong(60_000), s.path("network").asText("other")));
        }
        return out;
    }

    private static String text(List<ShareBody.CellQuality> cells) {
        StringBuilder b = new StringBuilder();
        for (ShareBody.CellQuality c : cells) {
            if (!b.isEmpty()) {
                b.append('\n');
            }
            b.append(String.format(Locale.ROOT, "%s  %s  %-8s", c.cell(), Instant.ofEpochMilli(c.enterTime()), c.quality()));
            if (c.disclosed()) {
                b.append(String.format(Locale.ROOT, " score %.2f rtt %.0f ms down %.1f Mbit/s loss %.1f %% (%d devices)",
                        c.score(), c.rttMs(), c.downMbps(), c.lossPct(), c.devices()));
            } else {
                b.append(" (not disclosed: too few devices)");
            }
            if (c.weak()) {
                b.append("  WEAK: ").append(c.reason());
            }
        }
        return b.isEmpty() ? "no cells" : b.toString();
    }
}
