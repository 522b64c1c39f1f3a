package dev.peerlink.cli;

import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.SignallingClient;
import dev.peerlink.peer.share.ShareClient;
import dev.peerlink.protocol.DeviceId;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Option;

/** The sharing commands' device: its key, its server, and a registered signalling connection to it. */
final class ShareDevice {
    @Option(names = "--id", paramLabel = "ID", required = true, description = "This device's id ([A-Za-z0-9._-], 1-64).")
    String id;

    @Option(names = "--server", paramLabel = "HOST:PORT[,...]", required = true,
            description = {"Signalling server: HOST:PORT (ws://HOST:PORT/v1/signal), or a ws:// or wss:// URL; several,",
                    "comma-separated, are instances of one service (the device moves between them)."})
    String server;

    @Option(names = "--home", paramLabel = "DIR", description = "Key directory (default: ~/.peerlink/<id>).")
    Path home;

    @Option(names = "--loopback", hidden = true, description = "Offer loopback addresses as LAN candidates (tests).")
    boolean loopback;

    /** Starts a full peer (it accepts or makes peer connections: the exit); the caller closes it. */
    dev.peerlink.peer.Peer startPeer() throws IOException, InterruptedException {
        if (!DeviceId.isValid(id)) {
            throw new IllegalArgumentException("--id must be 1-64 characters of [A-Za-z0-9._-]");
        }
        DeviceId deviceId = DeviceId.of(id);
        DeviceIdentity identity = DeviceIdentity.loadOrCreate(deviceId, home != null ? home : DeviceIdentity.defaultHome(deviceId));
        dev.peerlink.peer.Peer p = dev.peerlink.peer.Peer.builder().identity(identity).server(server)
                .ladder(dev.peerlink.peer.LadderConfig.defaults().withLoopback(loopback)).build();
        try {
            p.start().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            p.close();
            throw new IOException("cannot register at " + server + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            p.close();
            throw new IOException("cannot register at " + server + ": no answer in 30 s");
        }
        return p;
    }

    /** Registers and returns the signalling client; the caller closes it. */
    SignallingClient register() throws IOException, InterruptedException {
        if (!DeviceId.isValid(id)) {
            throw new IllegalArgumentException("--id must be 1-64 characters of [A-Za-z0-9._-]");
        }
        DeviceId deviceId = DeviceId.of(id);
        DeviceIdentity identity = DeviceIdentity.loadOrCreate(deviceId, home != null ? home : DeviceIdentity.defaultHome(deviceId));
        SignallingClient c = SignallingClient.builder().servers(dev.peerlink.peer.ServerList.parse(server)).identity(identity).build();
        try {
            c.start().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            c.close();
            throw new IOException("cannot register at " + server + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            c.close();
            throw new IOException("cannot register at " + server + ": no answer in 15 s");
        }
        return c;
    }

    static ShareClient share(SignallingClient c) {
        return ShareClient.over(c);
    }

    static final Duration REFRESH = Duration.ofSeconds(40);

    /** A server's refusal is exit code 2 and one line on stderr; anything else is rethrown. */
    static int refused(String command, java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof dev.peerlink.peer.SignallingException se) {
            System.err.println("peerlink share " + command + ": refused: " + se.code() + ": " + se.getMessage());
            return 2;
        }
        throw e;
    }
}
