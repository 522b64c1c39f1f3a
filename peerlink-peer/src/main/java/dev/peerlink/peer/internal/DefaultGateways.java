package dev.peerlink.peer.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The default gateways from the kernel's routing tables ({@code /proc/net/route}, {@code /proc/net/ipv6_route}), part
 * of what names a network for the {@link NatCache}: two networks with the same private addresses (two home routers on
 * 192.168.1.0/24) usually differ in their router. Where the files do not exist (not Linux), the list is empty and the
 * addresses alone name the network.
 */
final class DefaultGateways {
    private DefaultGateways() {}

    static List<InetAddress> read() {
        List<InetAddress> out = new ArrayList<>();
        out.addAll(ipv4(lines(Path.of("/proc/net/route"))));
        out.addAll(ipv6(lines(Path.of("/proc/net/ipv6_route"))));
        return out;
    }

    /** Rows with destination 0.0.0.0 and a gateway: {@code Iface Destination Gateway ...}, hex in host (little-endian) order. */
    static List<InetAddress> ipv4(List<String> lines) {
        List<InetAddress> out = new ArrayList<>();
        for (String l : lines) {
            String[] f = l.trim().split("\\s+");
            if (f.length < 3 || !f[1].equals("00000000") || f[2].equals("00000000") || f[2].length() != 8) {
                continue;
            }
            try {
                byte[] le = HexFormat.of().parseHex(f[2]);
                out.add(InetAddress.getByAddress(new byte[] {le[3], le[2], le[1], le[0]}));
            } catch (IllegalArgumentException | UnknownHostException e) {
                // not a route row
            }
        }
        return out;
    }

    /** Rows for ::/0 with a next hop: {@code dest destlen src srclen nexthop ...}, hex in network order. */
    static List<InetAddress> ipv6(List<String> lines) {
        List<InetAddress> out = new ArrayList<>();
        String zero = "0".repeat(32);
        for (String l : lines) {
            String[] f = l.trim().split("\\s+");
            if (f.length < 5 || !f[0].equals(zero) || !f[1].equals("00") || f[4].equals(zero) || f[4].length() != 32) {
                continue;
            }
            try {
                out.add(InetAddress.getByAddress(HexFormat.of().parseHex(f[4])));
            } catch (IllegalArgumentException | UnknownHostException e) {
                // not a route row
            }
        }
        return out;
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
