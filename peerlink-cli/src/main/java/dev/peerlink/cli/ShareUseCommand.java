package dev.peerlink.cli;

import dev.peerlink.exit.pool.ExitPool;
import dev.peerlink.exit.pool.WeakSpotWatcher;
import dev.peerlink.exit.pool.PoolEvent;
import dev.peerlink.exit.proxy.LocalProxy;
import dev.peerlink.peer.Peer;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.peer.share.ShareClient;
import dev.peerlink.protocol.Identity;
import dev.peerlink.share.Location;
import dev.peerlink.share.gpsd.GpsdClient;
import dev.peerlink.share.scene.Scene;
import dev.peerlink.share.wire.Conditions;
import dev.peerlink.share.wire.ServiceType;
import dev.peerlink.share.wire.ShareBody;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "use", mixinStandardHelpOptions = true,
        description = {"Uses nearby providers as this device's internet exit (seed 001): finds them, connects to the best K",
                "at once, and runs a local SOCKS5 proxy (and an HTTP proxy) whose flows leave through the best provider,",
                "moving to the next when it degrades or dies. With --gpsd it asks the QoS map about the road ahead and",
                "connects one more provider before a predicted weak spot. stderr: one JSON event per line.",
                "Exit codes: 3 no provider matches, 2 refused by the server, 1 other failure; runs until stopped."})
final class ShareUseCommand implements Callable<Integer> {
    @Mixin
    ShareDevice device;

    @Mixin
    PositionOptions position;

    @Mixin
    SceneOptions scene;

    @Option(names = "--need", paramLabel = "S,S", defaultValue = "socks5", description = "Services required (default: ${DEFAULT-VALUE}).")
    String need;

    @Option(names = "--providers", paramLabel = "K", defaultValue = "2", description = "Providers kept connected (default: ${DEFAULT-VALUE}).")
    int providers;

    @Option(names = "--socks", paramLabel = "IP:PORT", defaultValue = "127.0.0.1:1080", description = "Local SOCKS5 listener (default: ${DEFAULT-VALUE}).")
    String socks;

    @Option(names = "--http", paramLabel = "IP:PORT", description = "Local HTTP proxy listener (CONNECT and plain HTTP).")
    String http;

    @Option(names = "--proxy-user", paramLabel = "USER", description = "Require this user name (and --proxy-pass) on the local listeners.")
    String proxyUser;

    @Option(names = "--proxy-pass", paramLabel = "PASS", description = "Password for --proxy-user.")
    String proxyPass;

    @Override
    public Integer call() throws Exception {
        Scene sc = scene.scene();
        if (providers < 1 || providers > 8) {
            throw new IllegalArgumentException("--providers is 1-8");
        }
        if ((proxyUser == null) != (proxyPass == null)) {
            throw new IllegalArgumentException("--proxy-user and --proxy-pass go together");
        }
        String mode = position.mode(sc.kind());
        if (mode == null) {
            throw new IllegalArgumentException("say where you are: --at LAT,LON[,ALT], --gpsd HOST:PORT or --wifi-scan FILE");
        }
        Conditions conditions = Conditions.needing(ServiceType.parseList(need));
        AtomicReference<Location> here = new AtomicReference<>();
        Map<String, Integer> wifi = mode.equals("wifi") ? position.wifi() : Map.of();
        GpsdClient gpsd = mode.equals("gnss") ? position.openGpsd() : null;
        try (Peer peer = device.startPeer()) {
            if (mode.equals("manual")) {
                here.set(position.manual());
            } else if (gpsd != null) {
                here.set(position.gnssFix(gpsd, Duration.ofSeconds(30)));
            }
            ShareClient share = ShareClient.over(peer.signalling());
            List<String> network = position.networkIds();
            ExitPool.Providers source = new ExitPool.Providers() {
                @Override
                public CompletableFuture<List<String>> find() {
                    return share.find(new ShareBody.Find(here.get(), wifi, sc, network, conditions, Math.min(16, providers * 3), 0))
                            .thenApply(f -> f.providers().stream().map(ShareBody.Match::deviceId).toList());
                }

                @Override
                public CompletableFuture<PeerConnection> connect(String provider) {
                    return peer.connect(Identity.device(provider));
                }
            };
            // one find up front, so that "nothing matches" is a clear answer and not a timeout
            List<String> first;
            try {
                first = source.find().join();
            } catch (CompletionException e) {
                return ShareDevice.refused("use", e);
            }
            if (first.isEmpty()) {
                System.err.println("peerlink share use: no provider matches (" + sc.kind().wire() + ", need " + need + ")");
                return 3;
            }
            ExitPool pool;
            try {
                pool = ExitPool.start(source, providers, ShareUseCommand::print, Duration.ofSeconds(30)).join();
            } catch (CompletionException e) {
                System.err.println("peerlink share use: " + e.getCause().getMessage());
                return 3;
            }
            LocalProxy.Config cfg = new LocalProxy.Config(address(socks), http == null ? null : address(http),
                    proxyUser == null ? null : new LocalProxy.Credentials(proxyUser, proxyPass), LocalProxy.Limits.DEFAULT);
            try (pool; LocalProxy proxy = LocalProxy.start(cfg, pool)) {
                System.err.println(ShareJson.event("proxy", "socks", String.valueOf(proxy.socksAddress()),
                        "http", proxy.httpAddress() == null ? null : String.valueOf(proxy.httpAddress())));
                if (gpsd != null) {
                    follow(gpsd, here, share, pool);
                }
                Shutdown.awaitSignal();
            }
        } finally {
            if (gpsd != null) {
                gpsd.close();
            }
        }
        return 0;
    }

    /** Keeps the position fresh for finds and raises the pool by one before a weak spot the QoS map predicts. */
    private void follow(GpsdClient gpsd, AtomicReference<Location> here, ShareClient share, ExitPool pool) {
        WeakSpotWatcher watcher = new WeakSpotWatcher(share::qos, pool::target, providers, c -> System.err.println(
                c.weak().isPresent()
                        ? ShareJson.event("weak-spot-ahead", "cell", c.weak().get().cell(), "at", c.weak().get().enterTime(),
                                "reason", c.weak().get().reason(), "providers", c.providers())
                        : ShareJson.event("clear-ahead", "providers", c.providers())));
        gpsd.onFix(fix -> {
            here.set(fix);
            watcher.accept(fix);
        });
    }

    private static void print(PoolEvent e) {
        String line = switch (e) {
            case PoolEvent.Exit x -> ShareJson.event("exit", "provider", x.provider(), "path", x.path(),
                    "rttMs", Double.isNaN(x.rttMs()) ? null : (Object) Math.round(x.rttMs()), "reason", x.reason());
            case PoolEvent.ProviderLost l -> ShareJson.event("provider-lost", "provider", l.provider(), "reason", l.reason());
            case PoolEvent.Connected c -> ShareJson.event("connected", "provider", c.provider(), "path", c.path(), "setupMs", c.setupMs());
            case PoolEvent.ConnectFailed f -> ShareJson.event("connect-failed", "provider", f.provider(), "reason", f.reason());
        };
        System.err.println(line);
    }

    private static InetSocketAddress address(String s) {
        int i = s.lastIndexOf(':');
        if (i <= 0) {
            throw new IllegalArgumentException("expected IP:PORT, got " + s);
        }
        return new InetSocketAddress(s.substring(0, i).replace("[", "").replace("]", ""), Integer.parseInt(s.substring(i + 1)));
    }
}
