package dev.peerlink.portmap.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds the IPv4 default gateway (Linux: {@code /proc/net/route}). */
public final class Gateways {
    private Gateways() {
    }

    public static Optional<InetAddress> defaultGateway() {
        try {
            return parseProcNetRoute(Files.readAllLines(Path.of("/proc/net/route")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Lines of {@code /proc/net/route}: destination 00000000 with the gateway flag; addresses are little-endian hex. */
    static Optional<InetAddress> parseProcNetRoute(List<String> lines) {
        int bestMetric = Integer.MAX_VALUE;
        InetAddress best = null;
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || !f[1].equals("00000000")) {
                continue;
            }
            int flags = Integer.parseInt(f[3], 16);
            if ((flags & 0x2) == 0 || (flags & 0x1) == 0) { // RTF_GATEWAY, RTF_UP
                continue;
            }
            long gw = Long.parseLong(f[2], 16);
            int metric = Integer.parseInt(f[6]);
            byte[] a = {(byte) gw, (byte) (gw >> 8), (byte) (gw >> 16), (byte) (gw >> 24)};
            if (metric < bestMetric) {
                try {
                    best = InetAddress.getByAddress(a);
                    bestMetric = metric;
                } catch (UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return Optional.ofNullable(best);
    }
}
