package dev.peerlink.portmap;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Runs inside a bed client: binds UDP {@code port}, maps it with {@code protocol} ({@code auto} for the facade's
 * choice), prints {@code MAPPED <protocol> <external ip:port> <lease s> <millis>}, then {@code RX <payload>} for
 * every datagram the socket receives. Stdin commands: {@code unmap} (prints {@code UNMAPPED}), {@code remap}
 * (prints a new {@code MAPPED} line), {@code quit}. Also prints listener events as {@code EVENT ...}.
 */
public final class MapAgent {
    private MapAgent() {
    }

    public static void main(String[] args) throws Exception {
        String protocol = args[0];
        int port = Integer.parseInt(args[1]);
        long lease = args.length > 2 ? Long.parseLong(args[2]) : 3600;
        long checkSeconds = args.length > 3 ? Long.parseLong(args[3]) : 60;
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(port));
        Thread.ofPlatform().daemon().start(() -> {
            byte[] buf = new byte[2048];
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (Exception e) {
                    return;
                }
                System.out.println("RX " + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8).trim());
            }
        });
        PortMapListener listener = new PortMapListener() {
            @Override
            public void externalAddressChanged(java.net.InetAddress previous, java.net.InetAddress current) {
                System.out.println("EVENT address " + previous.getHostAddress() + " " + current.getHostAddress());
            }

            @Override
            public void mappingRenewed(PortMapping previous, PortMapping current) {
                System.out.println("EVENT renewed " + current.describe());
            }

            @Override
            public void mappingLost(PortMapping mapping, PortMapException cause) {
                System.out.println("EVENT lost " + mapping.describe() + " " + cause.getMessage());
            }

            @Override
            public void gatewayReset(MappingProtocol p) {
                System.out.println("EVENT reset " + p.cliName());
            }
        };
        try (PortMapper mapper = PortMapper.builder().listener(listener)
                .checkInterval(Duration.ofSeconds(checkSeconds)).build()) {
            PortMapping m = map(mapper, protocol, port, lease);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                switch (line.trim()) {
                    case "unmap" -> {
                        mapper.unmap(m);
                        System.out.println("UNMAPPED");
                    }
                    case "remap" -> m = map(mapper, protocol, port, lease);
                    case "check" -> {
                        mapper.checkNow();
                        System.out.println("CHECKED");
                    }
                    case "quit" -> {
                        return;
                    }
                    default -> System.out.println("?? " + line);
                }
            }
        } catch (PortMapException e) {
            System.out.println("FAILED " + e.kind() + " " + e.getMessage());
            System.exit(1);
        }
    }

    private static PortMapping map(PortMapper mapper, String protocol, int port, long lease) throws PortMapException {
        long t0 = System.nanoTime();
        PortMapping m = protocol.equals("auto")
                ? mapper.map(Transport.UDP, port, port, Duration.ofSeconds(lease))
                : mapper.map(MappingProtocol.parse(protocol), Transport.UDP, port, port, Duration.ofSeconds(lease));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("MAPPED " + m.protocol().cliName() + " "
                + m.external().getAddress().getHostAddress() + ":" + m.external().getPort() + " "
                + m.lease().toSeconds() + " " + ms);
        return m;
    }
}
