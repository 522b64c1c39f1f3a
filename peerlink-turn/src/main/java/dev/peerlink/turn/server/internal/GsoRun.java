package dev.peerlink.turn.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces consecutive relayed datagrams for one destination into a UDP GSO run (UDP_SEGMENT): equal
 * sizes, the last one may be shorter, up to 64 datagrams and 64 000 bytes. The run leaves as one
 * entry of the next sendmmsg and the kernel cuts it into the same datagrams the receiver would have
 * got one by one, but the stack is traversed once per run instead of once per datagram. Without
 * epoll or kernel support each datagram is its own run. Loop-confined, like its owner.
 */
final class GsoRun {
    private static final Logger LOG = LoggerFactory.getLogger(GsoRun.class);
    private static final int MAX_SEGMENTS = 64;
    private static final int MAX_BYTES = 64_000;
    private static volatile boolean enabled = supported();

    private ByteBuf buf;
    private InetSocketAddress to;
    private int segment;
    private int count;
    private boolean closed; // a shorter datagram ended the run

    private static boolean supported() {
        try {
            return io.netty.channel.epoll.SegmentedDatagramPacket.isSupported();
        } catch (Throwable e) {
            return false;
        }
    }

    /**
     * Room for one datagram of {@code len} bytes to {@code to}, as the writable end of the run's
     * buffer: the caller writes exactly {@code len} bytes into it. A run that cannot take it is
     * written to {@code ch} first (not flushed).
     */
    ByteBuf append(Channel ch, InetSocketAddress dest, int len) {
        if (buf != null && !(enabled && ch instanceof EpollDatagramChannel && !closed && count < MAX_SEGMENTS
                && len <= segment && buf.writerIndex() + len <= MAX_BYTES && dest.equals(to))) {
            drain(ch);
        }
        if (buf == null) {
            buf = ch.alloc().directBuffer(Math.max(len, Math.min(MAX_BYTES, len * 8)));
            to = dest;
            segment = len;
        } else if (len < segment) {
            closed = true;
        }
        count++;
        return buf;
    }

    /** Whether runs are still sent as GSO in this process (false after a real GSO send failure). */
    static boolean enabled() {
        return enabled;
    }

    boolean pending() {
        return buf != null;
    }

    /** Writes the pending run, if any, to {@code ch} (not flushed). */
    void drain(Channel ch) {
        if (buf == null) {
            return;
        }
        ByteBuf b = buf;
        int n = count;
        buf = null;
        count = 0;
        closed = false;
        if (n == 1) {
            ch.write(new DatagramPacket(b, to), ch.voidPromise());
            return;
        }
        ch.write(new io.netty.channel.epoll.SegmentedDatagramPacket(b, segment, to)).addListener(f -> {
            // A closed channel (deallocation, shutdown with a run pending) says nothing about GSO: the flag is
            // process-wide, so only a real send failure may turn it off.
            if (!f.isSuccess() && enabled && !(f.cause() instanceof java.nio.channels.ClosedChannelException)) {
                // e.g. EIO from a device without checksum offload: this run is lost, later ones go one by one
                enabled = false;
                LOG.warn("UDP GSO send failed ({}); relaying datagram by datagram from now on", f.cause().toString());
            }
        });
    }
}
