package dev.peerlink.server.monitor;

import java.net.InetSocketAddress;

/** Sends probes; must not block (called from the monitor's thread, outside its lock). */
public interface Prober {
    /** One probe carrying {@code nonce} to {@code external}: a UDP datagram, or a TCP connect writing the probe. */
    void probe(boolean tcp, InetSocketAddress external, byte[] nonce);
}
