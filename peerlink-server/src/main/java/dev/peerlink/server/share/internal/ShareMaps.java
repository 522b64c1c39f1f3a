package dev.peerlink.server.share.internal;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.ErrorCode;
import dev.peerlink.protocol.Message;
import dev.peerlink.server.share.ShareConfig;
import dev.peerlink.share.Location;
import dev.peerlink.share.fingerprint.RadioMap;
import dev.peerlink.share.fingerprint.RadioMapStore;
import dev.peerlink.share.fingerprint.ReferencePoint;
import dev.peerlink.share.fingerprint.WifiFingerprint;
import dev.peerlink.share.qos.QosConfig;
import dev.peerlink.share.qos.QosMap;
import dev.peerlink.share.qos.QosPrediction;
import dev.peerlink.share.qos.QosSample;
import dev.peerlink.share.qos.QosStore;
import dev.peerlink.share.qos.Route;
import dev.peerlink.share.qos.RouteReport;
import dev.peerlink.share.qos.SqliteQosStore;
import dev.peerlink.share.wire.ShareBody;
import dev.peerlink.share.wire.ShareCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's two maps for sharing, both in {@code DATA/share.db} (in memory without a data directory): the QoS map
 * (connection quality by H3 cell and hour of week) and the radio map (Wi-Fi fingerprints recorded by surveys, for
 * indoor positioning by k-nearest neighbours). In cluster mode ({@link ShareConfig#sharedQos}) the QoS map is shared:
 * it merges into and answers from the given store ({@link QosMap#shared}, reads cached for
 * {@link QosMap#DEFAULT_SHARED_READ_TTL}); the radio map stays in the file.
 */
public final class ShareMaps implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShareMaps.class);
    public static final String FILE = "share.db";
    /** Cells one QoS answer lists at most (the client asks in chunks of route points; this bounds the frame). */
    static final int MAX_CELLS = 300;

    private final ShareConfig config;
    private final QosMap qos;
    private final RadioMap radio;
    private final RadioMapStore radioStore;
    /** The QoS store this object opened and closes; null when it is the shared one (its owner closes it). */
    private final QosStore ownQosStore;
    /** Cells reported into lately (LRU, bounded): what the admin QoS map walks, as the store cannot list cells. */
    private final Map<String, Boolean> knownCells = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > MAX_KNOWN_CELLS;
                }
            });
    public static final int MAX_KNOWN_CELLS = 4096;

    private ShareMaps(ShareConfig config, QosMap qos, QosStore ownQosStore, RadioMap radio, RadioMapStore radioStore) {
        this.config = config;
        this.qos = qos;
        this.ownQosStore = ownQosStore;
        this.radio = radio;
        this.radioStore = radioStore;
    }

    public static ShareMaps open(Path dataDir, ShareConfig config) throws IOException {
        Path db = null;
        byte[] salt = new byte[32];
        if (dataDir == null) {
            new SecureRandom().nextBytes(salt);
        } else {
            Files.createDirectories(dataDir);
            db = dataDir.resolve(FILE);
            salt = loadOrCreateSalt(dataDir.resolve("share.salt"));
        }
        QosConfig qosConfig = QosConfig.defaults().withKAnonymity(config.kAnonymity());
        QosStore ownQosStore = config.sharedQos().isPresent() ? null : SqliteQosStore.open(db);
        QosMap qos = ownQosStore != null ? new QosMap(qosConfig, ownQosStore, salt)
                : QosMap.shared(qosConfig, config.sharedQos().get(), salt, java.time.InstantSource.system(),
                        QosMap.DEFAULT_SHARED_READ_TTL);
        try {
            RadioMapStore store = RadioMapStore.open(db);
            RadioMap radio = store.loadMap(RadioMap.DEFAULT_MAX_POINTS);
            LOG.info("radio map: {} reference points", radio.size());
            ShareMaps maps = new ShareMaps(config, qos, ownQosStore, radio, store);
            if (db != null && ownQosStore != null) { // a shared store cannot list cells either: reports since start
                maps.loadKnownCells(db);
            }
            return maps;
        } catch (java.sql.SQLException e) {
            qos.close();
            if (ownQosStore != null) {
                ownQosStore.close();
            }
            throw new IOException("cannot open the radio map: " + e.getMessage(), e);
        }
    }

    /** Seeds the known cells from the store's buckets (read-only; a failure only leaves the admin map emptier). */
    private void loadKnownCells(Path db) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT DISTINCT cell FROM qos_buckets WHERE hour_of_week = -1 LIMIT "
                     + MAX_KNOWN_CELLS)) {
            while (rs.next()) {
                knownCells.put(Long.toHexString(rs.getLong(1)), Boolean.TRUE);
            }
        } catch (java.sql.SQLException e) {
            LOG.warn("cannot list QoS cells for the admin map: {}", e.toString());
        }
    }

    /** Cells reported into (since start, or stored before), most recently reported last; at most {@code max}. */
    public List<String> knownCells(int max) {
        List<String> all;
        synchronized (knownCells) {
            all = new ArrayList<>(knownCells.keySet());
        }
        return all.size() <= max ? all : all.subList(all.size() - max, all.size());
    }

    /** The secret that hashes device ids in the QoS map: made once, kept with the data (owner-only). */
    private static byte[] loadOrCreateSalt(Path file) throws IOException {
        if (Files.exists(file)) {
            byte[] b = Files.readAllBytes(file);
            if (b.length == 32) {
                return b;
            }
            LOG.warn("{} is not 32 bytes; making a new QoS salt", file);
        }
        byte[] salt = new byte[32];
        new SecureRandom().nextBytes(salt);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, salt);
        try {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: the directory's own permissions protect it
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return salt;
    }

    public Message survey(DeviceId from, String rid, ShareBody.Survey s) {
        ReferencePoint p = new ReferencePoint(s.point(), new WifiFingerprint(s.wifi()), s.site());
        try {
            radio.add(p);
        } catch (IllegalStateException e) {
            return new Message.Error(rid, "quota", e.getMessage());
        }
        try {
            radioStore.add(p);
        } catch (java.sql.SQLException e) {
            LOG.error("cannot store a survey point: {}", e.toString());
            return new Message.Error(rid, ErrorCode.INTERNAL, "radio map unavailable");
        }
        LOG.debug("survey point from {} at {}", from, s.point());
        return new Message.Ok(rid);
    }

    public Optional<Location> locate(Map<String, Integer> wifi, long now) {
        return radio.locate(new WifiFingerprint(wifi), config.radioK(), now);
    }

    public Message report(DeviceId from, String rid, ShareBody.QosReport r, long now) {
        List<QosSample> samples = new ArrayList<>(r.samples().size());
        try {
            for (ShareBody.QosPoint p : r.samples()) {
                samples.add(new QosSample(from.value(), p.point(), p.timeMillis(), p.rttMs(), p.downMbps(), p.upMbps(),
                        p.lossPct(), p.offlineMs(), p.periodMs(), p.network()));
            }
        } catch (IllegalArgumentException e) {
            return new Message.Error(rid, ErrorCode.INVALID, e.getMessage());
        }
        qos.ingestAll(samples);
        for (QosSample q : samples) {
            knownCells.put(qos.cellOf(q.point()), Boolean.TRUE);
        }
        return new Message.Ok(rid);
    }

    public Message query(String rid, ShareBody.QosQuery q) {
        List<ShareBody.CellQuality> cells = new ArrayList<>();
        if (q.route().size() == 1) {
            ShareBody.RoutePoint p = q.route().get(0);
            Optional<QosPrediction> pr = qos.predict(p.point(), Instant.ofEpochMilli(p.timeMillis()));
            String cell = qos.cellOf(p.point());
            cells.add(cell(cell, p.timeMillis(), pr.orElse(null), false, null));
        } else {
            List<Route.Waypoint> w = q.route().stream()
                    .map(p -> new Route.Waypoint(p.point(), Instant.ofEpochMilli(p.timeMillis()))).toList();
            RouteReport report = qos.route(Route.of(w));
            for (RouteReport.CellVisit v : report.cells()) {
                if (cells.size() == MAX_CELLS) {
                    break;
                }
                cells.add(cell(v.cell(), v.enter().toEpochMilli(), v.prediction(), v.weak(), v.reason()));
            }
        }
        return ShareCodec.encode(rid, new ShareBody.QosResult(cells));
    }

    private static ShareBody.CellQuality cell(String cell, long enter, QosPrediction p, boolean weak, String reason) {
        if (p == null) {
            return new ShareBody.CellQuality(cell, enter, false, -1, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, "unknown", 0, false, null);
        }
        return new ShareBody.CellQuality(cell, enter, true, p.hourOfWeek(), p.rttMs(), p.downMbps(), p.upMbps(), p.lossPct(),
                p.offlineFraction(), p.score(), p.quality(), p.devices(), weak, reason);
    }

    public QosMap qos() {
        return qos;
    }

    public RadioMap radio() {
        return radio;
    }

    @Override
    public void close() {
        qos.close();
        if (ownQosStore != null) {
            ownQosStore.close();
        }
        try {
            radioStore.close();
        } catch (java.sql.SQLException e) {
            LOG.warn("closing the radio map: {}", e.toString());
        }
    }
}
