package dev.peerlink.it;

import dev.peerlink.testkit.netns.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per-namespace name resolution for the exit tests. {@code ip netns exec NS} bind-mounts every file of
 * {@code /etc/netns/NS/} over {@code /etc/}, so writing {@code hosts} and {@code resolv.conf} there makes a name
 * resolvable inside chosen namespaces only: the providers know {@value ExitWeb#NAME}, the requester does not, which
 * proves names are resolved at the exit. {@code resolv.conf} points at a local port nobody listens on, so a lookup
 * that misses {@code hosts} fails at once instead of waiting for the machine's DNS server (unreachable in the bed).
 * Files must exist before the processes start; {@link #close()} removes what was written.
 */
final class ExitNames implements AutoCloseable {
    static final Path ETC_NETNS = Path.of("/etc/netns");

    private final List<Path> written = new ArrayList<>();
    private boolean createdRoot;

    /** Gives {@code host} the machine's /etc/hosts plus {@code extra} (name to address), and a DNS that fails fast. */
    void write(Host host, Map<String, String> extra) throws IOException {
        if (!Files.isDirectory(ETC_NETNS)) {
            Files.createDirectories(ETC_NETNS);
            createdRoot = true;
        }
        Path dir = ETC_NETNS.resolve(host.namespace());
        Files.createDirectories(dir);
        written.add(dir);
        StringBuilder hosts = new StringBuilder(Files.readString(Path.of("/etc/hosts")));
        if (!hosts.isEmpty() && hosts.charAt(hosts.length() - 1) != '\n') {
            hosts.append('\n');
        }
        extra.forEach((name, ip) -> hosts.append(ip).append(' ').append(name).append('\n'));
        Files.writeString(dir.resolve("hosts"), hosts);
        Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
    }

    @Override
    public void close() throws IOException {
        for (Path dir : written) {
            Files.deleteIfExists(dir.resolve("hosts"));
            Files.deleteIfExists(dir.resolve("resolv.conf"));
            Files.deleteIfExists(dir);
        }
        written.clear();
        if (createdRoot) {
            try (var left = Files.list(ETC_NETNS)) {
                if (left.findAny().isEmpty()) {
                    Files.deleteIfExists(ETC_NETNS);
                }
            }
        }
    }
}
