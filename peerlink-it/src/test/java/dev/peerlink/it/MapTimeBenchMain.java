package dev.peerlink.it;

import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapper;
import dev.peerlink.portmap.PortMapping;
import dev.peerlink.portmap.Transport;
import java.time.Duration;
import java.util.List;

/**
 * Time to map, inside a test-bed client: {@code args[0]} protocol (upnp, natpmp, pcp, auto), {@code args[1]} runs,
 * {@code args[2]} first internal UDP port. Per run: {@code COLD ms} (a new {@link PortMapper}: gateway discovery /
 * protocol probe, then map) and {@code WARM ms} (a second mapping on the same mapper), then both deleted. One
 * uncounted warm-up run first (class loading, JIT), so the figures are what a running device sees.
 */
public final class MapTimeBenchMain {
    public static void main(String[] args) throws Exception {
        String proto = args[0];
        int runs = Integer.parseInt(args[1]);
        int port = Integer.parseInt(args[2]);
        for (int i = -1; i < runs; i++) {
            int p = port + 2 * (i + 1);
            long t0 = System.nanoTime();
            PortMapper.Builder b = PortMapper.builder().probeTimeout(Duration.ofSeconds(2));
            if (!proto.equals("auto")) {
                b.protocols(List.of(MappingProtocol.parse(proto)));
            }
            try (PortMapper mapper = b.build()) {
                PortMapping m = mapper.map(Transport.UDP, p, p, Duration.ofMinutes(10));
                long cold = System.nanoTime() - t0;
                long t1 = System.nanoTime();
                PortMapping m2 = mapper.map(Transport.UDP, p + 1, p + 1, Duration.ofMinutes(10));
                long warm = System.nanoTime() - t1;
                if (i >= 0) {
                    System.out.printf("RUN %s cold %.1f warm %.1f via %s -> %s%n", proto, cold / 1e6, warm / 1e6,
                            m.protocol().cliName(), m.external());
                }
                mapper.unmap(m2);
                mapper.unmap(m);
            }
        }
        System.out.println("DONE");
    }
}
