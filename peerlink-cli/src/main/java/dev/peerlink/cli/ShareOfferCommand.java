package dev.peerlink.cli;

import dev.peerlink.exit.Grants;
import dev.peerlink.exit.egress.Cidr;
import dev.peerlink.exit.egress.EgressRules;
import dev.peerlink.exit.egress.LanPrefixes;
import dev.peerlink.exit.provider.ExitConfig;
import dev.peerlink.exit.provider.ExitServer;
import dev.peerlink.peer.Peer;
import dev.peerlink.peer.share.AccessDecider;
import dev.peerlink.peer.share.Offering;
import dev.peerlink.peer.share.PolicyDecider;
import dev.peerlink.share.Location;
import dev.peerlink.share.geo.Geodesy;
import dev.peerlink.share.gpsd.GpsdClient;
import dev.peerlink.share.wire.AccessPolicy;
import dev.peerlink.share.wire.LinkState;
import dev.peerlink.share.wire.Limits;
import dev.peerlink.share.wire.ServiceType;
import dev.peerlink.share.wire.ShareBody;
import dev.peerlink.share.wire.ShareOffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "offer", mixinStandardHelpOptions = true,
        description = {"Offers this device's internet access to nearby devices (seed 001): announces where it is and what",
                "it offers, keeps the announce fresh while it moves (--gpsd), and answers the server's access requests by",
                "policy (--allow) or by asking on the terminal (--prompt). Prints one JSON event per line. Runs until stopped."})
final class ShareOfferCommand implements Callable<Integer> {
    @Mixin
    ShareDevice device;

    @Mixin
    PositionOptions position;

    @Option(names = "--scene", paramLabel = "HINT", description = "Where this provider is (a hint shown to nobody but the server): "
            + "subway-car, subway-hall, indoor, outdoor. Repeatable.")
    List<String> sceneHints = new ArrayList<>();

    @Option(names = "--services", paramLabel = "S,S", defaultValue = "socks5,http-connect",
            description = "Services offered (default: ${DEFAULT-VALUE}; also udp, ipv6).")
    String services;

    @Option(names = "--links", paramLabel = "L,L", split = ",", description = "Link types besides peerlink: wifi-hotspot, 5g-prose, band/5ghz, ...")
    List<String> links = new ArrayList<>();

    @Option(names = "--allow", paramLabel = "anyone|contacts|ID,...", defaultValue = "anyone",
            description = "Whom to serve (default: ${DEFAULT-VALUE}). contacts: the ids in --contacts FILE.")
    String allow;

    @Option(names = "--contacts", paramLabel = "FILE", description = "One device id per line (for --allow contacts).")
    Path contacts;

    @Option(names = "--prompt", description = "Ask on the terminal for each request (y/n) instead of deciding by policy alone.")
    boolean prompt;

    @Option(names = "--max-users", paramLabel = "N", defaultValue = "0", description = "Requesters served at once (0: no limit).")
    int maxUsers;

    @Option(names = "--daily-bytes", paramLabel = "N", defaultValue = "0", description = "Bytes per requester per day (0: no limit).")
    long dailyBytes;

    @Option(names = "--bandwidth-kbps", paramLabel = "K", defaultValue = "0", description = "Per-requester bandwidth cap (0: none).")
    long bandwidthKbps;

    @Option(names = "--ports", paramLabel = "P,P", split = ",", description = "Destination ports allowed (default: any).")
    List<Integer> ports = new ArrayList<>();

    @Option(names = "--down-kbps", paramLabel = "K", description = "This device's downlink estimate.")
    Double downKbps;

    @Option(names = "--up-kbps", paramLabel = "K", description = "This device's uplink estimate.")
    Double upKbps;

    @Option(names = "--rtt-ms", paramLabel = "MS", description = "This device's RTT to the internet.")
    Double rttMs;

    @Option(names = "--loss-pct", paramLabel = "P", description = "This device's packet loss.")
    Double lossPct;

    @Option(names = "--metered", description = "This device's link is metered.")
    boolean metered;

    @Option(names = "--battery", paramLabel = "PCT", defaultValue = "-1", description = "Battery level (default: unknown).")
    int battery;

    @Option(names = "--egress-allow", paramLabel = "CIDR",
            description = "Let requesters reach this range, which the exit refuses by default (loopback, private, link-local, "
                    + "CGNAT, multicast, this device's LAN). Repeatable.")
    List<String> egressAllow = new ArrayList<>();

    @Option(names = "--flow-log", paramLabel = "DIR", description = "Where the exit logs every flow (flows.jsonl) and keeps "
            + "today's usage (default: the key directory's exit/).")
    Path flowLog;

    @Option(names = "--max-flows", paramLabel = "N", defaultValue = "64", description = "Open flows per requester (default: ${DEFAULT-VALUE}).")
    int maxFlows;

    @Option(names = "--no-exit", description = "Announce and answer only; do not serve as the internet exit.")
    boolean noExit;

    @Option(names = "--network-type", paramLabel = "T", defaultValue = "other",
            description = "What carries this device's internet: wifi, ethernet, 5g, 4g, 3g, 2g, satellite, other.")
    String networkType;

    @Override
    public Integer call() throws Exception {
        AccessPolicy policy = AccessPolicy.parse(allow);
        Set<String> contactIds = contacts == null ? Set.of() : new HashSet<>(Files.readAllLines(contacts).stream()
                .map(String::trim).filter(s -> !s.isEmpty() && !s.startsWith("#")).toList());
        ShareOffer offer = new ShareOffer(ServiceType.parseList(services), links, ShareOffer.Auth.PEER_KEY,
                new Limits(maxUsers, bandwidthKbps, dailyBytes, ports));
        LinkState state = new LinkState(true, nan(downKbps), nan(upKbps), nan(rttMs), nan(lossPct), metered, battery, networkType);
        AccessDecider byPolicy = new PolicyDecider(policy, contactIds);
        AccessDecider decider = prompt ? new PromptDecider(byPolicy) : byPolicy;
        String mode = position.mode(null);
        if (mode == null) {
            throw new IllegalArgumentException("say where this provider is: --at LAT,LON[,ALT] or --gpsd HOST:PORT (or --network ID)");
        }
        GpsdClient gpsd = mode.equals("gnss") ? position.openGpsd() : null;
        Grants grants = new Grants();
        try (Peer peer = device.startPeer()) {
            Location at = switch (mode) {
                case "manual" -> position.manual();
                case "gnss" -> position.gnssFix(gpsd, Duration.ofSeconds(30));
                case "wifi" -> throw new IllegalArgumentException("a provider gives --at or --gpsd; --wifi-scan locates requesters");
                default -> null;
            };
            ExitServer exit = noExit ? null : ExitServer.start(peer, exitConfig(offer.limits(), () -> state), grants::admits);
            ShareBody.Announce announce = new ShareBody.Announce(at, position.networkIds(), sceneHints, offer, state, policy);
            try (Offering o = ShareDevice.share(peer.signalling()).offer(announce, granting(decider, grants), ShareDevice.REFRESH)) {
                if (gpsd != null) {
                    followGpsd(gpsd, o);
                }
                System.out.println(ShareJson.event("offering", "id", device.id, "services", List.of(services.split(",")),
                        "policy", policy.mode().wire(), "locationSource", at == null ? "none" : at.source().wire(),
                        "exit", exit != null));
                Shutdown.awaitSignal();
            } finally {
                if (exit != null) {
                    exit.close();
                }
            }
        } finally {
            if (gpsd != null) {
                gpsd.close();
            }
        }
        return 0;
    }

    /** Every accepted access request admits that requester to the exit for {@link #GRANT}; each decision is printed. */
    private static AccessDecider granting(AccessDecider decider, Grants grants) {
        return r -> {
            AccessDecider.Decision d = decider.decide(r);
            if (d instanceof AccessDecider.Accept) {
                grants.grant(r.requester(), GRANT);
            }
            System.out.println(ShareJson.event("access", "requester", r.requester(), "scene", r.scene().wire(),
                    "distanceMeters", r.distanceMeters(), "decision", d instanceof AccessDecider.Decline ? "decline" : "accept",
                    "reason", d instanceof AccessDecider.Decline no ? no.reason() : null));
            return d;
        };
    }

    /** A requester's grant outlives its find by this much; the requester's pool finds again every 5 minutes. */
    static final Duration GRANT = Duration.ofMinutes(15);

    private ExitConfig exitConfig(Limits limits, java.util.function.Supplier<LinkState> state) throws java.io.IOException {
        List<Cidr> opened = egressAllow.stream().map(Cidr::parse).toList();
        EgressRules rules = EgressRules.standard().withLan(LanPrefixes.fromInterfaces()).withOpened(opened);
        Path logDir = flowLog != null ? flowLog : (device.home != null ? device.home
                : dev.peerlink.peer.DeviceIdentity.defaultHome(dev.peerlink.protocol.DeviceId.of(device.id))).resolve("exit");
        return ExitConfig.defaults(rules).withLimits(limits).withMaxFlowsPerRequester(maxFlows).withFlowLogDir(logDir)
                .withLinkState(state);
    }

    /** Re-announces when the fix moved more than 10 m from the announced one (the server refreshes nothing by itself). */
    private static void followGpsd(GpsdClient gpsd, Offering o) {
        gpsd.onFix(fix -> {
            Location last = o.current().location();
            if (last == null || Geodesy.haversineMeters(last.point(), fix.point()) > 10) {
                o.moveTo(fix);
                System.out.println(ShareJson.event("moved", "lat", fix.point().lat(), "lon", fix.point().lon()));
            }
        });
    }

    private static double nan(Double d) {
        return d == null ? Double.NaN : d;
    }
}
