package dev.peerlink.protocol;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The typed view of a connect offer or answer: the sender's network information, where it listens
 * for a reverse (dial-back) connection, and the ladder paths it will try. Carried as a
 * {@link JsonBlob} so the ladder can add fields without a server upgrade; unknown fields are
 * ignored when reading.
 */
public record Offer(NetworkInfo network, InetSocketAddress reverseTcp, List<String> paths) {
    public static final int MAX_PATHS = 16;

    public Offer {
        network = network == null ? NetworkInfo.EMPTY : network;
        paths = List.copyOf(paths == null ? List.of() : paths);
        if (paths.size() > MAX_PATHS || !paths.stream().allMatch(p -> p.matches("[a-z0-9-]{1,32}"))) {
            throw new IllegalArgumentException("paths: at most 16 names of [a-z0-9-]");
        }
    }

    public JsonBlob toBlob() {
        return Json.offerBlobDefault(this);
    }

    public static Offer from(JsonBlob blob) throws ProtocolException {
        return JsonValues.offer(blob);
    }
}
