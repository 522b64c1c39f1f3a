package dev.peerlink.cli;

import dev.peerlink.peer.MappingKeeper;
import dev.peerlink.peer.Peer;
import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapException;
import dev.peerlink.portmap.PortMapper;
import dev.peerlink.portmap.PortMapping;
import dev.peerlink.portmap.Transport;
import dev.peerlink.protocol.Endpoints;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code peer --map}: the gateway mappings a running peer keeps alive through a {@link MappingKeeper} (renewal, report
 * to the server, probe answers, remap orders, deletion at exit), with one {@code {"event":"mapping",...}} JSON line on
 * stderr per result. A gateway that maps nothing is reported as {@code unavailable} and nothing is reported to the
 * server, so peers reach this one through the ladder's other paths.
 */
final class PeerMappings implements AutoCloseable {
    private final PortMapper mapper;
    private final MappingKeeper keeper;

    private PeerMappings(PortMapper mapper, MappingKeeper keeper) {
        this.mapper = mapper;
        this.keeper = keeper;
    }

    /** One {@code --map} value: {@code udp:PORT} or {@code tcp:PORT} (a bare PORT means UDP). */
    record Spec(Transport transport, int port) {
        static Spec parse(String s) {
            String v = s.trim();
            int colon = v.indexOf(':');
            Transport t = colon < 0 ? Transport.UDP : Transport.parse(v.substring(0, colon));
            int port = Integer.parseInt(v.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--map port out of range: " + s);
            }
            return new Spec(t, port);
        }
    }

    /** Parses the specs (throws IllegalArgumentException on a bad one), then maps each; failures are events, not errors. */
    static PeerMappings start(Peer peer, List<String> maps, String protocol, long leaseS, long checkS, long timeoutMs,
                              InetAddress gateway, PrintStream err) {
        List<Spec> specs = new ArrayList<>();
        for (String m : maps) {
            specs.add(Spec.parse(m));
        }
        boolean auto = protocol == null || protocol.equalsIgnoreCase("auto");
        PortMapper.Builder b = PortMapper.builder().probeTimeout(Duration.ofMillis(timeoutMs))
                .checkInterval(Duration.ofSeconds(Math.max(1, checkS))).description("peerlink peer " + peer.id().value());
        if (!auto) {
            b.protocols(List.of(MappingProtocol.parse(protocol)));
        }
        if (gateway != null) {
            b.gateway(gateway);
        }
        PortMapper mapper;
        long t0 = System.nanoTime();
        try {
            mapper = b.build();
        } catch (PortMapException | RuntimeException e) {
            for (Spec s : specs) {
                event(err, "unavailable", s.transport(), s.port(), null, ms(t0), e.getMessage());
            }
            return new PeerMappings(null, null);
        }
        MappingKeeper keeper = MappingKeeper.builder().client(peer.signalling()).portMapper(mapper)
                .lease(Duration.ofSeconds(leaseS))
                // a mapping that could not be re-made is reported to the server as gone: say "unavailable" (after what)
                .listener((why, t, port, now, error) -> event(err, now == null ? "unavailable" : why, t, port, now, -1,
                        now == null ? why + (error == null ? "" : ": " + error) : null))
                .build();
        for (Spec s : specs) {
            long t1 = System.nanoTime();
            try {
                PortMapping m = keeper.keep(s.transport(), s.port());
                event(err, "mapped", s.transport(), s.port(), m, ms(t1), null);
            } catch (IOException | RuntimeException e) {
                event(err, "unavailable", s.transport(), s.port(), null, ms(t1), e.getMessage());
            }
        }
        return new PeerMappings(mapper, keeper);
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static void event(PrintStream err, String result, Transport t, int port, PortMapping m, long ms, String error) {
        String line = DeviceOptions.json("event", "mapping", "result", result,
                "transport", t.name().toLowerCase(Locale.ROOT), "port", String.valueOf(port),
                "protocol", m == null ? null : m.protocol().cliName(),
                "internal", m == null ? null : Endpoints.format(m.internal()),
                "external", m == null ? null : Endpoints.format(m.external()),
                "lease", m == null ? null : String.valueOf(m.lease().toSeconds()),
                "ms", ms < 0 ? null : String.valueOf(ms),
                "error", error);
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }

    /** Deletes the mappings (keeper) and stops the gateway client. */
    @Override
    public void close() {
        if (keeper != null) {
            keeper.close();
        }
        if (mapper != null) {
            mapper.close();
        }
    }
}
