package dev.peerlink.cli;

import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.LadderConfig;
import dev.peerlink.peer.Peer;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.HttpProxy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every device command shares: who this device is, which server, and the ladder's knobs. */
final class DeviceOptions {
    @Option(names = "--id", paramLabel = "ID", description = "This device's id ([A-Za-z0-9._-], 1-64).")
    String id;

    @Option(names = "--server", paramLabel = "HOST:PORT[,...]",
            description = {"Signalling server: HOST:PORT (ws://HOST:PORT/v1/signal), or a ws:// or wss:// URL. Several,",
                    "comma-separated (or a name with several addresses), are instances of one service: the device starts",
                    "at a random one and moves to another when it loses the connection."})
    String server;

    @Option(names = "--proxy", paramLabel = "URL", converter = ProxyConverter.class,
            description = "Reach the server through this HTTP CONNECT proxy: http://[USER:PASSWORD@]HOST:PORT "
                    + "(default: HTTPS_PROXY / HTTP_PROXY, minus NO_PROXY).")
    HttpProxy proxy;

    @Option(names = "--home", paramLabel = "DIR", description = "Key directory (default: ~/.peerlink/<id>).")
    Path home;

    @Option(names = "--paths", paramLabel = "P,P", split = ",",
            description = "Ladder paths to try (default: lan,direct,mapped,reverse,punch,birthday,relay).")
    List<String> paths;

    @Option(names = "--reverse-after", paramLabel = "MS", defaultValue = "2000",
            description = "Ask for a reverse connection when our own TCP attempt has not connected by then (default: ${DEFAULT-VALUE}).")
    long reverseAfterMs;

    @Option(names = "--relay-after", paramLabel = "MS", defaultValue = "3000",
            description = "Start the relay attempt after this long, unless no direct path can exist (default: ${DEFAULT-VALUE}).")
    long relayAfterMs;

    @Option(names = "--punch-after", paramLabel = "MS", defaultValue = "150",
            description = "Start UDP hole punching after this long (default: ${DEFAULT-VALUE}; later when a reverse connection is tried first).")
    long punchAfterMs;

    @Option(names = "--birthday", paramLabel = "N,M,RATE[,LOW-HIGH]",
            description = "Birthday punching for symmetric NAT pairs: N sockets on the symmetric side, M probes from the other, "
                    + "RATE probes/s, external port range probed (default: 256,1024,500,1024-65535).")
    String birthday;

    @Option(names = "--birthday-after", paramLabel = "MS", defaultValue = "0",
            description = "Start birthday punching this long after the ladder (default: ${DEFAULT-VALUE}; tests of the move off the relay).")
    long birthdayAfterMs;

    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "12000",
            description = "Give up when no path works by then (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--pull", paramLabel = "MS",
            description = "Also pull waiting connection requests from the server every MS (reverse-connection pull mode).")
    Long pullMs;

    @Option(names = "--pull-only", description = "With --pull: ignore requests the server pushes.")
    boolean pullOnly;

    @Option(names = "--loopback", hidden = true, description = "Offer loopback addresses as LAN candidates (tests).")
    boolean loopback;

    void requireDevice(String command) {
        if (id == null || server == null) {
            throw new IllegalArgumentException(command + " needs --id ID and --server HOST:PORT");
        }
        dev.peerlink.peer.ServerList.parse(server); // a malformed list is a usage error, not a registration failure
        if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("--id must be 1-64 characters of [A-Za-z0-9._-]");
        }
    }

    DeviceIdentity identity() throws IOException {
        return DeviceIdentity.loadOrCreate(DeviceId.of(id), home());
    }

    /** The device's directory: --home, else ~/.peerlink/ID. */
    Path home() {
        return home != null ? home : DeviceIdentity.defaultHome(DeviceId.of(id));
    }

    LadderConfig ladder() {
        // every step is checked against the timeout: a longer timeout goes first (so a long --relay-after fits), a
        // shorter one last (after --relay-after and --reverse-after came down under it)
        Duration timeout = Duration.ofMillis(timeoutMs);
        LadderConfig c = LadderConfig.defaults();
        boolean longer = timeout.compareTo(c.timeout()) > 0;
        if (longer) {
            c = c.withTimeout(timeout);
        }
        c = c.withReverseAfter(Duration.ofMillis(reverseAfterMs)).withRelayAfter(Duration.ofMillis(relayAfterMs))
                .withPunchAfter(Duration.ofMillis(punchAfterMs)).withLoopback(loopback);
        if (!longer) {
            c = c.withTimeout(timeout);
        }
        if (paths != null && !paths.isEmpty()) {
            c = c.withPaths(new HashSet<>(paths));
        }
        if (birthdayAfterMs > 0) {
            c = c.withBirthday(c.birthday().withAfter(Duration.ofMillis(birthdayAfterMs)));
        }
        if (birthday != null) {
            String[] v = birthday.split(",");
            if (v.length != 3 && v.length != 4) {
                throw new IllegalArgumentException("--birthday N,M,RATE[,LOW-HIGH]");
            }
            var b = c.birthday().withSockets(Integer.parseInt(v[0].trim()))
                    .withProbes(Integer.parseInt(v[1].trim())).withRate(Integer.parseInt(v[2].trim()));
            if (v.length == 4) {
                String[] r = v[3].trim().split("-");
                b = b.withRange(Integer.parseInt(r[0]), Integer.parseInt(r[r.length - 1]));
            }
            c = c.withBirthday(b);
        }
        return c;
    }

    Peer.Builder peer() throws IOException {
        return Peer.builder().identity(identity()).server(server).proxy(proxy).ladder(ladder())
                .pendingPoll(pullMs == null ? null : Duration.ofMillis(pullMs)).acceptPushed(!pullOnly);
    }

    static String json(String... kv) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < kv.length; i += 2) {
            if (i > 0) {
                b.append(',');
            }
            b.append('"').append(kv[i]).append("\":");
            String v = kv[i + 1];
            if (v == null) {
                b.append("null");
            } else if (v.matches("-?\\d+")) {
                b.append(v);
            } else {
                b.append('"').append(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
                        .replace("\r", "\\r").replace("\t", "\\t")).append('"');
            }
        }
        return b.append('}').toString();
    }

    @Override
    public String toString() {
        return "DeviceOptions" + Arrays.asList(id, server, home);
    }
}
