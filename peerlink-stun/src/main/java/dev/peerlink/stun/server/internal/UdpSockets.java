package dev.peerlink.stun.server.internal;

import io.netty.channel.Channel;

/**
 * The UDP channels: one per (address index, IO thread). A reply for another address (CHANGE-REQUEST)
 * goes out on that address's channel of the same IO thread, so the write runs inline, not as a task.
 */
public final class UdpSockets {
    private final Channel[][] channels;

    public UdpSockets(int addresses, int threads) {
        channels = new Channel[addresses][threads];
    }

    public synchronized void set(int address, int thread, Channel channel) {
        channels[address][thread] = channel;
    }

    public synchronized Channel get(int address, int thread) {
        return channels[address][thread];
    }
}
