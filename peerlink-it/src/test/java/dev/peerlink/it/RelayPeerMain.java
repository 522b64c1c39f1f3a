package dev.peerlink.it;

import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.client.TurnAllocation;
import dev.peerlink.turn.client.TurnClient;
import dev.peerlink.turn.client.TurnTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.concurrent.locks.LockSupport;

/**
 * A device that talks to one peer only through a TURN relay, driven line by line on stdin so a
 * test can run it inside a test-bed host:
 * prints {@code RELAYED ip:port}; on {@code PEER ip:port} opens a permission and a channel and
 * prints {@code READY}; on {@code SEND n size} sends n numbered datagrams, 20 per millisecond; prints
 * {@code RECEIVED k} whenever the count of distinct datagrams received reaches a multiple of 100 or
 * on {@code REPORT}.
 */
public final class RelayPeerMain {
    public static void main(String[] args) throws Exception {
        String[] hostPort = args[0].split(":");
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(hostPort[0]), Integer.parseInt(hostPort[1]));
        TurnTransport transport = args.length > 3 ? TurnTransport.valueOf(args[3]) : TurnTransport.UDP;
        BitSet seen = new BitSet();
        Object lock = new Object();
        try (TurnClient client = TurnClient.builder(server, TurnCredentials.of(args[1], args[2]))
                .transport(transport)
                .onData((peer, data) -> {
                    if (data.length >= 4) {
                        int seq = ByteBuffer.wrap(data).getInt();
                        synchronized (lock) {
                            if (!seen.get(seq)) {
                                seen.set(seq);
                                if (seen.cardinality() % 100 == 0) {
                                    System.out.println("RECEIVED " + seen.cardinality());
                                }
                            }
                        }
                    }
                })
                .connect()) {
            TurnAllocation allocation = client.allocate();
            InetSocketAddress relayed = allocation.relayedAddress();
            System.out.println("RELAYED " + relayed.getAddress().getHostAddress() + ":" + relayed.getPort());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            InetSocketAddress peer = null;
            for (String line; (line = in.readLine()) != null; ) {
                String[] w = line.trim().split(" ");
                switch (w[0]) {
                    case "PEER" -> {
                        String[] p = w[1].split(":");
                        peer = new InetSocketAddress(InetAddress.getByName(p[0]), Integer.parseInt(p[1]));
                        client.createPermission(peer.getAddress());
                        client.bindChannel(peer);
                        System.out.println("READY");
                    }
                    case "SEND" -> {
                        int n = Integer.parseInt(w[1]);
                        int size = Math.max(4, Integer.parseInt(w[2]));
                        for (int i = 0; i < n; i++) {
                            client.send(peer, ByteBuffer.allocate(size).putInt(i).array());
                            if (i % 20 == 19) {
                                // Paced like a real sender: an unpaced 300 KB burst over TCP overflows the
                                // relay's UDP socket buffers on the relay-to-relay hop (UDP, so it may drop).
                                LockSupport.parkNanos(1_000_000);
                            }
                        }
                        System.out.println("SENT " + n);
                    }
                    case "REPORT" -> {
                        synchronized (lock) {
                            System.out.println("RECEIVED " + seen.cardinality());
                        }
                    }
                    case "QUIT" -> {
                        return;
                    }
                    default -> System.out.println("ERROR unknown command " + line);
                }
            }
        }
    }
}
