package dev.peerlink.cli;

import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapException;
import dev.peerlink.portmap.PortMapListener;
import dev.peerlink.portmap.PortMapper;
import dev.peerlink.portmap.PortMapping;
import dev.peerlink.portmap.Transport;
import dev.peerlink.portmap.internal.UpnpClient;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "map", mixinStandardHelpOptions = true,
        description = {"Maps a port on the gateway (UPnP IGD, NAT-PMP or PCP), prints the mapping and keeps it alive,",
                "renewing it, until Ctrl-C; then deletes it. 'auto' tries PCP, NAT-PMP, UPnP in that order."},
        subcommands = {MapCommand.ListCommand.class, MapCommand.DeleteCommand.class})
final class MapCommand implements Callable<Integer> {
    /** Options shared by map, list and delete. */
    static final class GatewayOptions {
        @Option(names = "--gateway", paramLabel = "IP", description = "Gateway address (default: the default route's gateway).")
        InetAddress gateway;

        @Option(names = "--timeout", paramLabel = "MS", defaultValue = "2000",
                description = "Discovery / probe timeout in ms (default: ${DEFAULT-VALUE}).")
        long timeoutMillis;

        PortMapper.Builder builder() {
            PortMapper.Builder b = PortMapper.builder().probeTimeout(Duration.ofMillis(timeoutMillis));
            if (gateway != null) {
                b.gateway(gateway);
            }
            return b;
        }
    }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    GatewayOptions gw = new GatewayOptions();

    @Option(names = "--protocol", paramLabel = "upnp|natpmp|pcp|auto", defaultValue = "auto",
            description = "Mapping protocol (default: ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--port", paramLabel = "P", description = "Internal (local) port to map; also the requested external port.")
    Integer port;

    @Option(names = "--external-port", paramLabel = "P", description = "Requested external port (default: same as --port; 0 = any).")
    Integer externalPort;

    @Option(names = "--proto", paramLabel = "udp|tcp", defaultValue = "udp", description = "Transport (default: ${DEFAULT-VALUE}).")
    String proto;

    @Option(names = "--lease", paramLabel = "S", defaultValue = "7200",
            description = "Requested lease in seconds (default: ${DEFAULT-VALUE}); renewed at half-time.")
    long lease;

    @Option(names = "--once", description = "Create, print and exit without deleting (the mapping lives for its lease).")
    boolean once;

    @Override
    public Integer call() throws Exception {
        if (port == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--port=P'");
        }
        Transport t = Transport.parse(proto);
        PortMapListener printer = new PortMapListener() {
            @Override
            public void externalAddressChanged(InetAddress previous, InetAddress current) {
                System.out.println("external address changed: " + previous.getHostAddress() + " -> " + current.getHostAddress());
            }

            @Override
            public void mappingRenewed(PortMapping previous, PortMapping current) {
                System.out.println("renewed: " + current.describe());
            }

            @Override
            public void mappingLost(PortMapping mapping, PortMapException cause) {
                System.out.println("lost: " + mapping.describe() + ": " + cause.getMessage());
            }

            @Override
            public void gatewayReset(MappingProtocol p) {
                System.out.println("gateway reset (" + p.cliName() + " epoch); re-creating mappings");
            }
        };
        PortMapper mapper = gw.builder().listener(printer).build();
        try {
            int ext = externalPort != null ? externalPort : port;
            long t0 = System.nanoTime();
            PortMapping m = protocol.equalsIgnoreCase("auto")
                    ? mapper.map(t, port, ext, Duration.ofSeconds(lease))
                    : mapper.map(MappingProtocol.parse(protocol), t, port, ext, Duration.ofSeconds(lease));
            System.out.println("mapped: " + m.describe() + " (" + (System.nanoTime() - t0) / 1_000_000 + " ms)");
            if (once) {
                return 0;
            }
            System.out.println("keeping it alive; Ctrl-C deletes it");
            System.out.flush();
            Shutdown.awaitSignal();
        } catch (PortMapException e) {
            System.err.println("map failed: " + e.getMessage());
            return 1;
        } finally {
            if (!once) {
                mapper.close();
            }
        }
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Shows which protocols the gateway speaks, its external address and its UPnP mapping table",
                    "(NAT-PMP and PCP cannot list mappings)."})
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        GatewayOptions gw = new GatewayOptions();

        @Override
        public Integer call() throws Exception {
            try (PortMapper mapper = gw.builder().build()) {
                Map<MappingProtocol, Optional<PortMapException>> probe = mapper.probe();
                probe.forEach((p, why) -> System.out.println(p.cliName() + ": "
                        + why.map(e -> "unavailable (" + e.getMessage() + ")").orElse("available")));
                if (probe.get(MappingProtocol.UPNP).isPresent()) {
                    return 0;
                }
                List<UpnpClient.ListedEntry> entries = mapper.listUpnpMappings();
                System.out.println("upnp mappings: " + entries.size());
                for (UpnpClient.ListedEntry e : entries) {
                    System.out.printf("  %s %d -> %s:%d '%s' lease %ds%n", e.transport().name().toLowerCase(),
                            e.externalPort(), e.internalClient(), e.internalPort(), e.description(), e.leaseSeconds());
                }
                return 0;
            } catch (PortMapException e) {
                System.err.println("list failed: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Deletes a mapping left by another process: UPnP by external port, NAT-PMP by internal port.",
                    "PCP mappings can only be deleted by their creator (nonce); they expire with their lease."})
    static final class DeleteCommand implements Callable<Integer> {
        @Mixin
        GatewayOptions gw = new GatewayOptions();

        @Option(names = "--port", required = true, paramLabel = "P", description = "Port (UPnP: external, NAT-PMP: internal).")
        int port;

        @Option(names = "--proto", paramLabel = "udp|tcp", defaultValue = "udp", description = "Transport (default: ${DEFAULT-VALUE}).")
        String proto;

        @Option(names = "--protocol", paramLabel = "upnp|natpmp|auto", defaultValue = "auto",
                description = "Protocol to delete with (default: ${DEFAULT-VALUE}: UPnP, then NAT-PMP).")
        String protocol;

        @Override
        public Integer call() throws Exception {
            Transport t = Transport.parse(proto);
            List<MappingProtocol> which = protocol.equalsIgnoreCase("auto")
                    ? List.of(MappingProtocol.UPNP, MappingProtocol.NAT_PMP) : List.of(MappingProtocol.parse(protocol));
            try (PortMapper mapper = gw.builder().build()) {
                for (MappingProtocol p : which) {
                    try {
                        mapper.deleteForeign(p, t, port);
                        System.out.println("deleted " + t.name().toLowerCase() + " " + port + " via " + p.cliName());
                        return 0;
                    } catch (PortMapException e) {
                        System.err.println(p.cliName() + ": " + e.getMessage());
                    }
                }
            }
            return 1;
        }
    }
}
