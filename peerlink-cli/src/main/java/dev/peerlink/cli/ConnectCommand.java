package dev.peerlink.cli;

import dev.peerlink.peer.ConnectException;
import dev.peerlink.peer.Peer;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.protocol.Identity;
import dev.peerlink.secure.SecureStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {"Connects to another device by the best path and pipes stdin/stdout through it (netcat -N:",
                "at end of stdin the sending side closes, and the command exits once the other side closed too).",
                "Prints {\"event\":\"connected\",\"path\":...,\"setupMs\":N} on stderr when connected, and",
                "{\"event\":\"closed\",\"sentBytes\":N,\"receivedBytes\":N,\"transferMs\":N} when the connection ended.",
                "TARGET: a device id, or device:ID, user:ID, mac:ADDR, username:NAME.",
                "Exit codes: 0 done, 1 error, 2 target offline, unknown or not answering, 3 refused, 4 no path."})
final class ConnectCommand implements Callable<Integer> {
    /** The NAT report per network, in the device's home ({@link Peer.Builder#natCache}). */
    static final String NAT_CACHE = "nat-cache.json";

    @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET", description = "The device to connect to.")
    String target;

    @Option(names = "--pairing", paramLabel = "CODE|FILE.png",
            description = "Connect with a pairing code (or a PNG of its QR code) from `peerlink pair` instead of the server.")
    String pairing;

    @Option(names = "--timing", description = "Also print {\"event\":\"phase\",\"phase\":P,\"ms\":N} on stderr: "
            + "milliseconds from process start to main, parsed, identity, built, registered, nat, connected, "
            + "first-byte-out, first-byte-in, closed.")
    boolean timing;

    @Option(names = "--no-nat-cache", description = "Discover the NAT before connecting instead of starting from the "
            + "report remembered for this network (HOME/nat-cache.json, verified in the background).")
    boolean noNatCache;

    @Mixin
    DeviceOptions device = new DeviceOptions();

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        PhaseLog phases = new PhaseLog(err, timing);
        if (pairing != null) {
            if (device.id == null) {
                err.println("connect: --pairing needs --id ID (this device)");
                return 1;
            }
            return PairingConnect.run(pairing, device.identity(), System.in, System.out, err);
        }
        if (target == null) {
            err.println("connect: name a TARGET (or use --pairing)");
            return 1;
        }
        try {
            device.requireDevice("connect");
        } catch (IllegalArgumentException e) {
            err.println("connect: " + e.getMessage());
            return 1;
        }
        Identity who;
        try {
            who = Identity.parse(target);
        } catch (IllegalArgumentException e) {
            err.println("connect: bad target " + target + ": " + e.getMessage());
            return 1;
        }
        phases.mark("parsed");
        Peer.Builder builder = device.peer().natCache(noNatCache ? null : device.home().resolve(NAT_CACHE));
        phases.mark("identity");
        try (Peer peer = builder.build()) {
            phases.mark("built");
            peer.discovered().thenRun(() -> phases.mark("nat"));
            try {
                peer.start().get(30, TimeUnit.SECONDS);
                phases.mark("registered");
            } catch (ExecutionException | TimeoutException e) {
                err.println("connect: cannot register with " + device.server + ": "
                        + (e.getCause() == null ? e : e.getCause()).getMessage());
                return 1;
            }
            PeerCommand.awaitDiscovery(peer);
            PeerConnection c;
            try {
                c = peer.connect(who).get(device.timeoutMs + 40_000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                return failed(err, e.getCause());
            } catch (TimeoutException e) {
                err.println("connect: no answer about " + target);
                return 4;
            }
            NetcatPipe.Counts counts = new NetcatPipe.Counts();
            try (c) {
                phases.mark("connected");
                synchronized (err) {
                    err.println(DeviceOptions.json("event", "connected", "path", c.path(),
                            "setupMs", String.valueOf(c.setupTime().toMillis())));
                    err.flush();
                }
                c.onPathChange((from, to) -> {
                    synchronized (err) {
                        err.println(DeviceOptions.json("event", "path", "from", from, "to", to));
                        err.flush();
                    }
                });
                SecureStream st = c.openStream();
                NetcatPipe.run(st, System.in, System.out, counts);
            } catch (IOException e) {
                closed(err, counts, phases);
                err.println("connect: connection to " + target + " lost: " + e.getMessage());
                return 1;
            }
            closed(err, counts, phases);
        }
        return 0;
    }

    /** The closing line, and the first-byte and closed phases with --timing. */
    static void closed(PrintStream err, NetcatPipe.Counts counts, PhaseLog phases) {
        phases.at("first-byte-out", counts.firstSentMillis);
        phases.at("first-byte-in", counts.firstReceivedMillis);
        phases.mark("closed");
        synchronized (err) {
            err.println(counts.closedEvent());
            err.flush();
        }
    }

    private static int failed(PrintStream err, Throwable e) {
        if (e instanceof ConnectException ce) {
            err.println("connect: " + ce.getMessage());
            return switch (ce.code()) {
                case "offline", "unknown-target", "timeout" -> 2;
                case "refused" -> 3;
                case "no-path" -> 4;
                default -> 1;
            };
        }
        err.println("connect: " + e);
        return 1;
    }
}
