package dev.peerlink.exit.egress;

import dev.peerlink.exit.egress.CidrException.Reason;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 block: network address and prefix length. {@link #parse} reads {@code 10.0.0.0/8},
 * {@code fc00::/7} or a bare address (a /32 or /128). An IPv4 block matches IPv4 addresses only and an IPv6 block
 * IPv6 only; {@link EgressRules} unwraps IPv4-in-IPv6 forms before matching.
 */
public final class Cidr {
    private final byte[] network;
    private final int prefix;

    private Cidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new CidrException(Reason.EMPTY, "empty CIDR block");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        InetAddress address = IpLiterals.parse(addressPart).orElseThrow(() ->
                new CidrException(Reason.BAD_ADDRESS, "not an IP address: '" + addressPart + "' in " + s));
        byte[] raw = address.getAddress();
        // the JDK turns ::ffff:a.b.c.d into an IPv4 address; its block is then the IPv4 one (prefix - 96)
        boolean mapped = raw.length == 4 && addressPart.indexOf(':') >= 0;
        int max = mapped ? 128 : raw.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > max) {
                throw new CidrException(Reason.BAD_PREFIX, "prefix length must be 0-" + max + ": " + s);
            }
            prefix = Integer.parseInt(p);
        }
        if (mapped) {
            if (prefix < 96) {
                throw new CidrException(Reason.BAD_PREFIX, "an IPv4-mapped block needs a prefix of 96-128: " + s);
            }
            prefix -= 96;
        }
        byte[] masked = mask(raw, prefix);
        if (!Arrays.equals(masked, raw)) {
            throw new CidrException(Reason.HOST_BITS_SET, s + " has bits set after /" + prefix
                    + "; did you mean " + IpLiterals.byAddress(masked).getHostAddress() + "/" + prefix + "?");
        }
        return new Cidr(raw, prefix);
    }

    /** The block of {@code prefix} bits around {@code address} (host bits cleared), e.g. an interface's subnet. */
    public static Cidr of(InetAddress address, int prefix) {
        byte[] raw = address.getAddress();
        if (prefix < 0 || prefix > raw.length * 8) {
            throw new CidrException(Reason.BAD_PREFIX, "prefix length must be 0-" + raw.length * 8);
        }
        return new Cidr(mask(raw, prefix), prefix);
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /** True when {@code raw} (4 or 16 bytes) is of this block's family and inside it. */
    public boolean contains(byte[] raw) {
        if (raw.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (raw[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int m = (0xff << (8 - rest)) & 0xff;
        return (raw[full] & m) == (network[full] & m);
    }

    public int prefixLength() {
        return prefix;
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    public InetAddress network() {
        return IpLiterals.byAddress(network.clone());
    }

    private static byte[] mask(byte[] raw, int prefix) {
        byte[] out = raw.clone();
        for (int bit = prefix; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        return network().getHostAddress() + "/" + prefix;
    }
}
