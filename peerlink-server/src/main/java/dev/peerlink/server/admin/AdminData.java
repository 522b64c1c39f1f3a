package dev.peerlink.server.admin;

import dev.peerlink.share.geo.GeoPoint;
import java.util.List;

/**
 * What the admin listener shows beyond the meter registry: recent mapping repairs and the sharing picture. Nothing
 * here names a device.
 */
public interface AdminData {
    /** A mapping repaired at {@code at} (epoch ms), {@code ttrMs} after its first failed probe round. */
    record Repair(long at, String protocol, long ttrMs) {}

    /** The QoS map's prediction for one H3 cell now (k-anonymous: cells below k devices are not listed). */
    record QosCell(String cell, String quality, double score, int devices, double rttMs, double downMbps, double upMbps,
                   double lossPct) {}

    /** A provider sharing now: where it said it is (made coarse before display) and what it offers. */
    record Provider(GeoPoint point, List<String> services) {}

    /** Newest first. */
    List<Repair> recentRepairs();

    /** Whether the sharing service runs. */
    boolean sharing();

    /** Cells with a prediction, at most {@code max}. */
    List<QosCell> qosCells(int max);

    /** Providers with a position, at most {@code max}. */
    List<Provider> providers(int max);

    /** No signalling: nothing to show. */
    static AdminData none() {
        return new AdminData() {
            @Override
            public List<Repair> recentRepairs() {
                return List.of();
            }

            @Override
            public boolean sharing() {
                return false;
            }

            @Override
            public List<QosCell> qosCells(int max) {
                return List.of();
            }

            @Override
            public List<Provider> providers(int max) {
                return List.of();
            }
        };
    }
}
