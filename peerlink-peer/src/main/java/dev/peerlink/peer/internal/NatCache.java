package dev.peerlink.peer.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerlink.protocol.Endpoints;
import dev.peerlink.protocol.NetworkInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last NAT report per network, in one small JSON file under the device's home, so that a short-lived process (the
 * {@code connect} command) does not spend a second or two on RFC 5780 discovery on a network it has seen before.
 *
 * <p>A network is named by a hash of what changes when the device moves: the signalling server, the device's own
 * interface addresses and its default gateways ({@link #currentKey}). Another address set is another key, so a move
 * misses the cache instead of using the old network's report. Entries older than {@code maxAge} are not used. The
 * cache is only a hint: the peer announces the cached report at once and verifies it by discovery in the background,
 * replacing it when the network answered differently. Unreadable files are treated as empty.
 */
public final class NatCache {
    private static final Logger LOG = LoggerFactory.getLogger(NatCache.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** How long a report is trusted without verification (a NAT's behaviour rarely changes; a lease may). */
    public static final Duration MAX_AGE = Duration.ofHours(24);
    /** Networks remembered per device (home, office, phone hotspot, ...); the oldest goes first. */
    static final int MAX_NETWORKS = 8;

    /** What was learned on one network. */
    public record Entry(String key, long savedAtMillis, InetSocketAddress publicAddress, NetworkInfo.Nat nat) {}

    private final Path file;
    private final Duration maxAge;
    private final Clock clock;

    public NatCache(Path file, Duration maxAge, Clock clock) {
        this.file = file;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    public NatCache(Path file) {
        this(file, MAX_AGE, Clock.systemUTC());
    }

    public Path file() {
        return file;
    }

    /** The key of the network this device is on now, as seen from {@code server}. */
    public static String currentKey(String server) {
        List<InetAddress> own = NetworkMonitor.lanAddresses(0).stream().map(InetSocketAddress::getAddress).toList();
        return key(server, own, DefaultGateways.read());
    }

    /** SHA-256 of the server, the sorted own addresses and the sorted gateways. */
    public static String key(String server, List<InetAddress> own, List<InetAddress> gateways) {
        String text = server + "|" + sorted(own) + "|" + sorted(gateways);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sorted(List<InetAddress> a) {
        return String.join(",", a.stream().map(InetAddress::getHostAddress).sorted().toList());
    }

    /** The entry for {@code key} if there is one younger than the maximum age. */
    public Optional<Entry> load(String key) {
        long now = clock.millis();
        return readAll().stream().filter(e -> e.key().equals(key))
                .filter(e -> e.savedAtMillis() <= now && now - e.savedAtMillis() < maxAge.toMillis()).findFirst();
    }

    /** Remembers {@code nat} for {@code key} (replacing what was there), atomically; failures are only logged. */
    public synchronized void save(String key, InetSocketAddress publicAddress, NetworkInfo.Nat nat) {
        List<Entry> all = new ArrayList<>(readAll());
        all.removeIf(e -> e.key().equals(key));
        all.addFirst(new Entry(key, clock.millis(), publicAddress, nat));
        while (all.size() > MAX_NETWORKS) {
            all.removeLast();
        }
        ObjectNode root = JSON.createObjectNode().put("version", 1);
        ArrayNode networks = root.putArray("networks");
        for (Entry e : all) {
            ObjectNode n = networks.addObject().put("key", e.key()).put("savedAt", e.savedAtMillis())
                    .put("publicAddress", e.publicAddress() == null ? null : Endpoints.format(e.publicAddress()));
            NetworkInfo.Nat t = e.nat();
            if (t != null) {
                n.putObject("nat").put("type", t.type()).put("mapping", t.mapping()).put("filtering", t.filtering())
                        .put("portPattern", t.portPattern()).put("portDelta", t.portDelta()).put("hairpinning", t.hairpinning());
            }
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".nat-cache", ".tmp");
            try {
                Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            LOG.debug("cannot write the NAT cache {}: {}", file, e.toString());
        }
    }

    private List<Entry> readAll() {
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            List<Entry> out = new ArrayList<>();
            for (JsonNode n : root.path("networks")) {
                JsonNode t = n.path("nat");
                NetworkInfo.Nat nat = t.isObject() ? new NetworkInfo.Nat(text(t, "type"), text(t, "mapping"),
                        text(t, "filtering"), text(t, "portPattern"),
                        t.path("portDelta").isInt() ? t.path("portDelta").asInt() : null,
                        t.path("hairpinning").isBoolean() ? t.path("hairpinning").asBoolean() : null) : null;
                String pub = text(n, "publicAddress");
                out.add(new Entry(n.path("key").asText(), n.path("savedAt").asLong(),
                        pub == null ? null : Endpoints.parse(pub), nat));
            }
            return out;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | RuntimeException e) {
            LOG.debug("ignoring the unreadable NAT cache {}: {}", file, e.toString());
            return List.of();
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() ? v.asText() : null;
    }
}
