package dev.peerlink.exit.egress;

import dev.peerlink.exit.wire.ExitError;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a provider may dial on a requester's behalf. Refused: every {@link AddressClass} (loopback, private,
 * link-local, CGNAT, multicast, ...), the provider's own LAN prefixes, and the same addresses wrapped in IPv6
 * (IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::/96}, 6to4
 * {@code 2002::/16}). Blocks the owner opened ({@code --egress-allow}) override those refusals; they never override
 * the port list. Immutable and thread-safe.
 */
public final class EgressRules {
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");
    private static final Cidr METADATA = Cidr.parse("169.254.169.254/32");

    private final List<Cidr> opened;
    private final List<Cidr> lan;
    private final Set<Integer> ports;

    private EgressRules(List<Cidr> opened, List<Cidr> lan, Set<Integer> ports) {
        this.opened = List.copyOf(opened);
        this.lan = List.copyOf(lan);
        this.ports = Set.copyOf(ports);
    }

    /** The refusals above, nothing opened, no LAN prefixes, every port. */
    public static EgressRules standard() {
        return new EgressRules(List.of(), List.of(), Set.of());
    }

    /** These rules with {@code blocks} opened (replacing those opened before). */
    public EgressRules withOpened(Collection<Cidr> blocks) {
        return new EgressRules(List.copyOf(blocks), lan, ports);
    }

    /** These rules also refusing the provider's own LAN prefixes (see {@link LanPrefixes#fromInterfaces()}). */
    public EgressRules withLan(Collection<Cidr> prefixes) {
        return new EgressRules(opened, List.copyOf(prefixes), ports);
    }

    /** Only these destination ports (empty: every port). */
    public EgressRules withPorts(Collection<Integer> allowed) {
        for (int p : allowed) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port out of range: " + p);
            }
        }
        return new EgressRules(opened, lan, new TreeSet<>(allowed));
    }

    public List<Cidr> opened() {
        return opened;
    }

    public List<Cidr> lan() {
        return lan;
    }

    public Set<Integer> ports() {
        return ports;
    }

    /** The port rule alone (cheap: before any name is resolved). */
    public EgressDecision checkPort(int port) {
        if (port < 1 || port > 65535) {
            return EgressDecision.refused(ExitError.PORT_NOT_ALLOWED, "port " + port + " is out of range");
        }
        if (!ports.isEmpty() && !ports.contains(port)) {
            return EgressDecision.refused(ExitError.PORT_NOT_ALLOWED, "port " + port + " is not in " + new TreeSet<>(ports));
        }
        return EgressDecision.ALLOWED;
    }

    /** The address rule alone. */
    public EgressDecision checkAddress(InetAddress address) {
        byte[] raw = address.getAddress();
        byte[] inner = embeddedIpv4(raw).orElse(null);
        if (isOpened(raw) || (inner != null && isOpened(inner))) {
            return EgressDecision.ALLOWED;
        }
        String shown = address.getHostAddress();
        for (byte[] form : inner == null ? List.of(raw) : List.of(raw, inner)) {
            Optional<AddressClass> c = AddressClass.of(form);
            if (c.isPresent()) {
                String what = METADATA.contains(form) ? "the cloud metadata address" : "a " + c.get().label() + " address";
                return EgressDecision.refused(ExitError.FORBIDDEN_DESTINATION, shown + " is " + what);
            }
            for (Cidr p : lan) {
                if (p.contains(form)) {
                    return EgressDecision.refused(ExitError.FORBIDDEN_DESTINATION, shown + " is on the provider's LAN " + p);
                }
            }
        }
        return EgressDecision.ALLOWED;
    }

    /** The port rule, then the address rule. */
    public EgressDecision check(InetAddress address, int port) {
        EgressDecision d = checkPort(port);
        return d.allowed() ? checkAddress(address) : d;
    }

    /**
     * Every address a name resolved to must be allowed: a name with one private answer among public ones is refused
     * (a rebinding name could otherwise steer the connection to the LAN).
     */
    public EgressDecision checkAll(Collection<InetAddress> addresses, int port) {
        if (addresses.isEmpty()) {
            return EgressDecision.refused(ExitError.DNS_FAILURE, "no address");
        }
        EgressDecision d = checkPort(port);
        if (!d.allowed()) {
            return d;
        }
        for (InetAddress a : addresses) {
            d = checkAddress(a);
            if (!d.allowed()) {
                return d;
            }
        }
        return EgressDecision.ALLOWED;
    }

    private boolean isOpened(byte[] raw) {
        for (Cidr c : opened) {
            if (c.contains(raw)) {
                return true;
            }
        }
        return false;
    }

    /** The IPv4 address inside an IPv6 one (mapped, compatible, NAT64 or 6to4), if any. */
    static Optional<byte[]> embeddedIpv4(byte[] raw) {
        if (raw.length != 16) {
            return Optional.empty();
        }
        boolean zero80 = true;
        for (int i = 0; i < 10; i++) {
            zero80 &= raw[i] == 0;
        }
        boolean mapped = zero80 && raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
        boolean compatible = zero80 && raw[10] == 0 && raw[11] == 0
                && !(raw[12] == 0 && raw[13] == 0 && raw[14] == 0 && (raw[15] == 0 || raw[15] == 1)); // not :: or ::1
        if (mapped || compatible || NAT64.contains(raw)) {
            return Optional.of(java.util.Arrays.copyOfRange(raw, 12, 16));
        }
        if (SIX_TO_FOUR.contains(raw)) {
            return Optional.of(java.util.Arrays.copyOfRange(raw, 2, 6));
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "EgressRules[opened=" + opened + ", lan=" + lan + ", ports=" + (ports.isEmpty() ? "any" : new TreeSet<>(ports)) + "]";
    }
}
