package dev.peerlink.it;

import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.MappingKeeper;
import dev.peerlink.peer.SignallingClient;
import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapper;
import dev.peerlink.portmap.PortMapping;
import dev.peerlink.portmap.Transport;
import dev.peerlink.protocol.DeviceId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A device inside a test-bed client: registers with the signalling server at {@code args[0]} (a ws:// URL) as
 * {@code args[1]}, and keeps a UDP mapping of port {@code args[2]} made with {@code args[3]} (upnp, natpmp, pcp) on
 * the default gateway through a {@link MappingKeeper}, which answers the server's probes and obeys its remap orders.
 * Prints {@code MAPPED ip:port} once mapped, {@code REMAP-DONE n} when the keeper has carried out its n-th remap order
 * and {@code REMAPPED ip:port} with the mapping it then holds; {@code QUIT} on stdin (or end of stdin) exits.
 */
public final class MappedDeviceMain {
    public static void main(String[] args) throws Exception {
        URI server = URI.create(args[0]);
        int port = Integer.parseInt(args[2]);
        MappingProtocol protocol = MappingProtocol.parse(args[3]);
        try (SignallingClient client = SignallingClient.builder().server(server)
                .identity(DeviceIdentity.ephemeral(DeviceId.of(args[1])))
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).requestTimeout(Duration.ofSeconds(5)).build();
             PortMapper mapper = PortMapper.builder().protocols(List.of(protocol)).build()) {
            client.start().get(20, TimeUnit.SECONDS);
            System.out.println("REGISTERED");
            try (MappingKeeper keeper = MappingKeeper.builder().client(client).portMapper(mapper)
                    .lease(Duration.ofMinutes(10)).build()) {
                PortMapping m = keeper.keep(Transport.UDP, port);
                System.out.println("MAPPED " + endpoint(m.external()));
                Thread watcher = Thread.ofPlatform().daemon().start(() -> {
                    int seen = 0;
                    while (true) {
                        int n = keeper.remaps();
                        if (n != seen) {
                            seen = n;
                            System.out.println("REMAP-DONE " + n);
                            List<PortMapping> now = keeper.mappings();
                            System.out.println(now.isEmpty() ? "REMAP-FAILED" : "REMAPPED " + endpoint(now.getFirst().external()));
                        }
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.trim().equals("QUIT")) {
                        break;
                    }
                }
                watcher.interrupt();
            }
        }
    }

    private static String endpoint(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
