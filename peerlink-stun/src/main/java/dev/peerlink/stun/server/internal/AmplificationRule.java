package dev.peerlink.stun.server.internal;

/**
 * The server never answers with much more than it was sent, so spoofed requests cannot turn it
 * into a traffic amplifier: a reply may exceed its request by at most {@link #ALLOWANCE} bytes.
 * 64 bytes fit the mandatory part of any Binding response (XOR-MAPPED-ADDRESS and MAPPED-ADDRESS,
 * even for IPv6) to a bare 20-byte request; optional attributes are dropped to fit, and a reply that
 * still does not fit is not sent.
 */
public final class AmplificationRule {
    public static final int ALLOWANCE = 64;

    private AmplificationRule() {}

    public static int maxReply(int requestLength) {
        return requestLength + ALLOWANCE;
    }
}
