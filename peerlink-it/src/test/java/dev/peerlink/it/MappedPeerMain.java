package dev.peerlink.it;

import dev.peerlink.peer.LadderConfig;
import dev.peerlink.peer.Peer;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A serving device inside a test-bed client with a fixed listen port and a gateway TCP mapping of it (SDK only, no
 * CLI): {@code Peer.builder().listenPort(P).portMapper(...)}, echoing every stream. Arguments: server (host:port), id,
 * home directory, port, mapping protocol (upnp, natpmp, pcp). Prints {@code READY} once registered,
 * {@code MAPPED-VERIFIED ip:port} once the server's mapping monitor verified the mapping (the ladder then offers it),
 * {@code CONNECTED path} for every connection served; {@code QUIT} on stdin (or end of stdin) exits.
 */
public final class MappedPeerMain {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[3]);
        try (PortMapper mapper = PortMapper.builder().protocols(List.of(MappingProtocol.parse(args[4]))).build();
             Peer peer = Peer.builder().id(args[1]).server(args[0]).home(Path.of(args[2])).listenPort(port)
                     .portMapper(mapper).ladder(LadderConfig.defaults()).build()) {
            peer.onConnection(c -> {
                System.out.println("CONNECTED " + c.path());
                c.onStream(st -> {
                    try (st) {
                        st.input().transferTo(st.output());
                    } catch (IOException e) {
                        System.out.println("ECHO-FAILED " + e);
                    }
                });
            });
            peer.start().get(30, TimeUnit.SECONDS);
            peer.discovered().get(30, TimeUnit.SECONDS);
            System.out.println("READY");
            Thread watcher = Thread.ofPlatform().daemon().start(() -> {
                while (peer.mappedCandidates().isEmpty()) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                InetSocketAddress a = peer.mappedCandidates().getFirst();
                System.out.println("MAPPED-VERIFIED " + a.getAddress().getHostAddress() + ":" + a.getPort());
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
