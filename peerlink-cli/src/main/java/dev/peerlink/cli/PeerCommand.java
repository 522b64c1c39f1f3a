package dev.peerlink.cli;

import dev.peerlink.peer.Peer;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.secure.SecureStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "peer", mixinStandardHelpOptions = true,
        description = {"Registers this device with the server and serves incoming connections until stopped.",
                "Bytes received go to stdout, or are echoed back with --echo; --send FILE also sends FILE back on every",
                "connection (netcat -N both ways). Events are JSON lines on stderr:",
                "{\"event\":\"ready\",...} once registered and its NAT is known, {\"event\":\"registered\",\"server\":...} at every",
                "re-registration (after a lost connection; with --server A,B,C possibly at another server),",
                "{\"event\":\"incoming\",...} per connection,",
                "{\"event\":\"mapping\",...} per gateway mapping result with --map (mapped, unavailable, remapped, ...)."})
final class PeerCommand implements Callable<Integer> {
    @Mixin
    DeviceOptions device = new DeviceOptions();

    @Option(names = "--inbox", paramLabel = "DIR",
            description = {"Receive deduplicated transfers (peerlink send) while running: pushed at once, saved into DIR,",
                    "acknowledged; stderr {\"event\":\"received\",...} per item. Without it, deliveries the server",
                    "announces are reported as {\"event\":\"delivery\",...} (fetch with peerlink inbox --save)."})
    Path inbox;

    @Option(names = "--echo", description = "Echo every stream back to its sender instead of writing to stdout.")
    boolean echo;

    @Option(names = "--send", paramLabel = "FILE",
            description = {"On every incoming stream, send FILE back while receiving to stdout, then close the sending",
                    "side (netcat -N both ways; the stream ends once both sides closed). Not with --echo."})
    Path send;

    @Option(names = "--allow", paramLabel = "ID", split = ",",
            description = "Accept connections only from these device ids (repeatable; default: any registered device).")
    java.util.List<String> allow;

    @Option(names = "--map", paramLabel = "udp:PORT|tcp:PORT",
            description = {"Map this local port on the gateway (asking for the same external port), keep the mapping alive",
                    "while running (renewal, server-verified: re-mapped on the server's remap order), report it to the",
                    "server and delete it at exit. Repeatable. A gateway without mapping support is reported as",
                    "{\"event\":\"mapping\",\"result\":\"unavailable\"} and the peer carries on."})
    java.util.List<String> maps;

    @Option(names = "--map-protocol", paramLabel = "auto|upnp|natpmp|pcp", defaultValue = "auto",
            description = "Gateway protocol for --map (default: ${DEFAULT-VALUE}: PCP, NAT-PMP, UPnP, first that answers).")
    String mapProtocol;

    @Option(names = "--map-lease", paramLabel = "S", defaultValue = "7200",
            description = "Requested lease for --map in seconds (default: ${DEFAULT-VALUE}); renewed at half-time.")
    long mapLease;

    @Option(names = "--map-check", paramLabel = "S", defaultValue = "60",
            description = "How often to check the gateway's external address / epoch / listing for --map (default: ${DEFAULT-VALUE}).")
    long mapCheck;

    @Option(names = "--map-timeout", paramLabel = "MS", defaultValue = "2000",
            description = "Gateway discovery / probe timeout for --map in ms (default: ${DEFAULT-VALUE}).")
    long mapTimeout;

    @Option(names = "--gateway", paramLabel = "IP", description = "Gateway for --map (default: the default route's gateway).")
    java.net.InetAddress gateway;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        try {
            device.requireDevice("peer");
            if (maps != null) {
                maps.forEach(PeerMappings.Spec::parse);
            }
            if (send != null && echo) {
                throw new IllegalArgumentException("--send and --echo exclude each other");
            }
            if (send != null && !Files.isReadable(send)) {
                throw new IllegalArgumentException("--send: cannot read " + send);
            }
        } catch (IllegalArgumentException e) {
            err.println("peer: " + e.getMessage());
            return 2;
        }
        try (Peer peer = device.peer().build(); NoticeInbox receiver = inbox == null ? null : startInbox(err)) {
            peer.onConnection(c -> serve(c, err));
            if (receiver != null) {
                peer.signalling().onDelivery(receiver::notice);
            } else {
                // told on the signalling connection; with --inbox the receiver fetches and reports instead
                java.util.Set<String> told = java.util.concurrent.ConcurrentHashMap.newKeySet();
                peer.signalling().onDelivery(d -> {
                    if (told.add(d.server() + "#" + d.delivery())) {
                        err.println(InboxCommand.jsonOf(d));
                        err.flush();
                    }
                });
            }
            if (allow != null && !allow.isEmpty()) {
                java.util.Set<String> ids = java.util.Set.copyOf(allow);
                peer.acceptFrom(ref -> ids.contains(ref.deviceId().value()));
            }
            try {
                peer.start().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                err.println("peer: cannot register with " + device.server + ": "
                        + (e.getCause() == null ? e : e.getCause()).getMessage());
                return 1;
            }
            // every later registration: after a lost connection, at the same server or (with several) another
            peer.signalling().addRegisteredListener(r -> {
                synchronized (err) {
                    err.println(DeviceOptions.json("event", "registered", "id", peer.id().value(),
                            "server", String.valueOf(peer.signalling().server())));
                    err.flush();
                }
            });
            NetworkInfo net = awaitDiscovery(peer);
            synchronized (err) {
                err.println(DeviceOptions.json("event", "ready", "id", peer.id().value(),
                        "nat", net.nat() == null ? null : net.nat().type(),
                        "public", net.publicAddress() == null ? null : dev.peerlink.protocol.Endpoints.format(net.publicAddress()),
                        "server", String.valueOf(peer.signalling().server())));
                err.flush();
            }
            try (PeerMappings mappings = maps == null || maps.isEmpty() ? null
                    : PeerMappings.start(peer, maps, mapProtocol, mapLease, mapCheck, mapTimeout, gateway, err)) {
                Shutdown.awaitSignal();
            }
        }
        return 0;
    }

    /** The device's inbox: fetched when the server announces deliveries on signalling, and swept now and then. */
    private NoticeInbox startInbox(PrintStream err) {
        TransferDevice td = new TransferDevice();
        td.id = device.id;
        td.server = device.server;
        td.home = device.home;
        td.retryForSeconds = 60;
        InboxReceiver.Sink sink = (item, saved, text) -> {
            err.println(InboxCommand.jsonOf("received", item, saved, text));
            err.flush();
        };
        return new NoticeInbox(td::connect, td.url(), inbox, sink, err, Duration.ofMinutes(5));
    }

    static NetworkInfo awaitDiscovery(Peer peer) {
        try {
            return peer.discovered().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            return peer.network(); // carry on without a NAT type
        }
    }

    private void serve(PeerConnection c, PrintStream err) {
        synchronized (err) {
            err.println(DeviceOptions.json("event", "incoming", "from", c.peer().deviceId().value(), "path", c.path(),
                    "setupMs", String.valueOf(c.setupTime().toMillis())));
            err.flush();
        }
        c.onPathChange((from, to) -> {
            synchronized (err) {
                err.println(DeviceOptions.json("event", "path", "from", from, "to", to));
                err.flush();
            }
        });
        c.onStream(st -> {
            try (st) {
                if (send != null) {
                    try (InputStream file = Files.newInputStream(send)) {
                        NetcatPipe.run(st, file, System.out);
                    }
                    return;
                }
                if (echo) {
                    st.input().transferTo(st.output());
                } else {
                    copyToStdout(st);
                }
                st.output().close();
            } catch (IOException e) {
                synchronized (err) {
                    err.println("peer: stream from " + c.peer().deviceId() + " failed: " + e.getMessage());
                }
            }
        });
    }

    private static void copyToStdout(SecureStream st) throws IOException {
        InputStream in = st.input();
        OutputStream out = System.out;
        byte[] buf = new byte[NetcatPipe.BUFFER];
        int n;
        while ((n = in.read(buf)) >= 0) {
            synchronized (out) {
                out.write(buf, 0, n);
                out.flush();
            }
        }
    }
}
