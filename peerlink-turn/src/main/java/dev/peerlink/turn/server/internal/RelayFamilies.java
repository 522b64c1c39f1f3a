package dev.peerlink.turn.server.internal;

import dev.peerlink.turn.TurnErrors;
import dev.peerlink.turn.attribute.AddressErrorCode;
import dev.peerlink.turn.attribute.RequestedAddressFamily;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The address families a server relays in (RFC 8656 §7.2): one relay IP, and one binder, per family.
 * Both families draw their UDP ports from one {@link RelayPorts} range, so a dual allocation holds two ports.
 */
final class RelayFamilies {
    /**
     * What one Allocate gets: the {@code primary} family, a {@code second} one (0: none) for a dual allocation, and
     * ADDRESS-ERROR-CODE for an asked-for family the server cannot relay in.
     */
    record Plan(int primary, int second, List<AddressErrorCode> errors) {}

    private final Map<Integer, InetAddress> ips = new LinkedHashMap<>();
    private final Map<Integer, RelayBinder> binders = new LinkedHashMap<>();

    RelayFamilies(List<InetAddress> relayIps, TurnTransport transport, RelayPorts ports, DataPath data) {
        for (InetAddress ip : relayIps) {
            ips.put(of(ip), ip);
            binders.put(of(ip), new RelayBinder(transport, ip, ports, data));
        }
    }

    static int of(InetAddress ip) {
        return ip instanceof Inet4Address ? RequestedAddressFamily.IPV4 : RequestedAddressFamily.IPV6;
    }

    InetAddress ip(int family) {
        return ips.get(family);
    }

    RelayBinder binder(int family) {
        return binders.get(family);
    }

    /**
     * {@code wanted} alone (REQUESTED-ADDRESS-FAMILY, IPv4 when absent), or with {@code dual} IPv4 and IPv6
     * (ADDITIONAL-ADDRESS-FAMILY). Null when no asked-for family is relayed here (440). A dual request on a
     * one-family server gets that family and ADDRESS-ERROR-CODE 440 for the other; {@code secondAllowed} false
     * (RFC 6062 TCP allocations) does the same for IPv6.
     */
    Plan plan(int wanted, boolean dual, boolean secondAllowed) {
        List<Integer> asked = dual ? List.of(RequestedAddressFamily.IPV4, RequestedAddressFamily.IPV6) : List.of(wanted);
        List<Integer> granted = new ArrayList<>();
        List<AddressErrorCode> errors = new ArrayList<>();
        for (int family : asked) {
            if (ips.containsKey(family) && (granted.isEmpty() || secondAllowed)) {
                granted.add(family);
            } else if (dual) {
                errors.add(new AddressErrorCode(family, TurnErrors.ADDRESS_FAMILY_NOT_SUPPORTED,
                        TurnErrors.reason(TurnErrors.ADDRESS_FAMILY_NOT_SUPPORTED)));
            }
        }
        if (granted.isEmpty()) {
            return null;
        }
        return new Plan(granted.getFirst(), granted.size() > 1 ? granted.get(1) : 0, errors);
    }
}
