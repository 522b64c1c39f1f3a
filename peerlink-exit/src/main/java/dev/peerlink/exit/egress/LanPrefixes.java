package dev.peerlink.exit.egress;

import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The provider's own LAN prefixes, read from its network interfaces, for {@link EgressRules#withLan}. */
public final class LanPrefixes {
    private LanPrefixes() {}

    /**
     * The subnet of every address on every interface that is up, loopback and link-local left out (always refused).
     * Read once at start; a provider that moves networks reads it again.
     */
    public static List<Cidr> fromInterfaces() throws SocketException {
        Set<Cidr> out = new LinkedHashSet<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
                if (ia.getAddress().isLoopbackAddress() || ia.getAddress().isLinkLocalAddress()) {
                    continue;
                }
                int max = ia.getAddress().getAddress().length * 8;
                short len = ia.getNetworkPrefixLength();
                // an unknown prefix (-1 on some platforms) still refuses the address itself
                out.add(Cidr.of(ia.getAddress(), len < 0 || len > max ? max : len));
            }
        }
        return new ArrayList<>(out);
    }
}
