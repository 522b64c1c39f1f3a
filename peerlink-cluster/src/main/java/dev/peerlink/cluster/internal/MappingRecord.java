package dev.peerlink.cluster.internal;

import dev.peerlink.protocol.NetworkInfo.PortMapping;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A device's reported mappings as kept in Redis: the instance its signalling connection is on, the address it is seen
 * from, and the mappings. One line of text: {@code instance|observed|udp ext-ip ext-port int-ip int-port lease method;...}.
 */
public record MappingRecord(String instance, InetAddress observed, List<PortMapping> mappings) {
    public String encode() {
        StringBuilder b = new StringBuilder(instance).append('|').append(observed == null ? "-" : observed.getHostAddress()).append('|');
        for (int i = 0; i < mappings.size(); i++) {
            PortMapping m = mappings.get(i);
            if (i > 0) {
                b.append(';');
            }
            b.append(m.protocol()).append(' ').append(m.external().getAddress().getHostAddress()).append(' ')
                    .append(m.external().getPort()).append(' ').append(m.internal().getAddress().getHostAddress()).append(' ')
                    .append(m.internal().getPort()).append(' ').append(m.leaseSeconds()).append(' ')
                    .append(m.method() == null ? "-" : m.method());
        }
        return b.toString();
    }

    /** The instance a record names, without decoding the rest. */
    public static String instanceOf(String encoded) {
        return encoded.substring(0, encoded.indexOf('|'));
    }

    public static MappingRecord decode(String s) {
        String[] parts = s.split("\\|", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("bad mapping record");
        }
        List<PortMapping> ms = new ArrayList<>();
        if (!parts[2].isEmpty()) {
            for (String one : parts[2].split(";")) {
                String[] f = one.split(" ");
                ms.add(new PortMapping(f[0], new InetSocketAddress(literal(f[1]), Integer.parseInt(f[2])),
                        new InetSocketAddress(literal(f[3]), Integer.parseInt(f[4])), Long.parseLong(f[5]),
                        "-".equals(f[6]) ? null : f[6]));
            }
        }
        return new MappingRecord(parts[0], "-".equals(parts[1]) ? null : literal(parts[1]), List.copyOf(ms));
    }

    /** An IP literal (never a name: no lookup happens for literals). */
    private static InetAddress literal(String ip) {
        if (ip.isEmpty() || !(Character.digit(ip.charAt(0), 16) >= 0 || ip.charAt(0) == ':')) {
            throw new IllegalArgumentException("not an IP literal: " + ip);
        }
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + ip, e);
        }
    }
}
