package dev.peerlink.turn.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * The way back to one client: a UDP listener plus the client's address, or a TCP connection.
 * Writes are not flushed; callers flush once per read batch so epoll can batch the sends.
 */
public abstract sealed class ClientLink {
    final FiveTuple tuple;
    final Channel channel;
    private boolean dirty;

    private ClientLink(FiveTuple tuple, Channel channel) {
        this.tuple = tuple;
        this.channel = channel;
    }

    static ClientLink udp(Channel listener, InetSocketAddress client, InetSocketAddress server) {
        return new Udp(new FiveTuple(client, server, false), listener);
    }

    /** A client over DTLS on a UDP listener: every message leaves as one record of {@code association}. */
    static ClientLink dtls(Channel listener, InetSocketAddress client, InetSocketAddress server, DtlsAssociation association) {
        return new Dtls(new FiveTuple(client, server, false), listener, association);
    }

    /** {@code tls}: each message goes out in a TLS record of its own (see {@link Tcp#write}). */
    static ClientLink tcp(Channel connection, boolean tls) {
        return new Tcp(new FiveTuple((InetSocketAddress) connection.remoteAddress(),
                (InetSocketAddress) connection.localAddress(), true), connection, tls);
    }

    EventLoop eventLoop() {
        return channel.eventLoop();
    }

    boolean isTcp() {
        return tuple.tcp();
    }

    /** Takes ownership of {@code buf}. */
    abstract void write(ByteBuf buf);

    void flushIfDirty() {
        if (dirty) {
            dirty = false;
            drainRun();
            channel.flush();
        }
    }

    void drainRun() {
    }

    void writeAndFlush(ByteBuf buf) {
        write(buf);
        flushIfDirty();
    }

    static final class Udp extends ClientLink {
        private Udp(FiveTuple tuple, Channel listener) {
            super(tuple, listener);
        }

        private final GsoRun run = new GsoRun();

        @Override
        void write(ByteBuf buf) {
            run.drain(channel); // keep the order of what this client is sent
            channel.write(new DatagramPacket(buf, tuple.client()), channel.voidPromise());
            super.markDirty();
        }

        /** Room for one datagram of {@code len} bytes to the client, coalesced with its neighbours when possible. */
        ByteBuf append(int len) {
            super.markDirty();
            return run.append(channel, tuple.client(), len);
        }

        @Override
        void drainRun() {
            run.drain(channel);
        }
    }

    static final class Tcp extends ClientLink {
        private final boolean recordPerMessage;

        private Tcp(FiveTuple tuple, Channel connection, boolean recordPerMessage) {
            super(tuple, connection);
            this.recordPerMessage = recordPerMessage;
        }

        /**
         * Over TLS every message is flushed alone, so it gets a record of its own, as coturn's server
         * writes them: coturn's client (turnutils_uclient) takes one SSL_read as one message and lost the
         * rest of a record holding several (3-4% of ChannelData at 5 ms spacing on loopback).
         */
        @Override
        void write(ByteBuf buf) {
            if (recordPerMessage) {
                channel.writeAndFlush(buf, channel.voidPromise());
                return;
            }
            channel.write(buf, channel.voidPromise());
            super.markDirty();
        }
    }

    static final class Dtls extends ClientLink {
        private final DtlsAssociation association;

        private Dtls(FiveTuple tuple, Channel listener, DtlsAssociation association) {
            super(tuple, listener);
            this.association = association;
        }

        /** A message too large for one record (over 2^14 bytes), or for a closed association, is dropped. */
        @Override
        void write(ByteBuf buf) {
            try {
                ByteBuf record = association.seal(buf);
                if (record != null) {
                    channel.write(new DatagramPacket(record, tuple.client()), channel.voidPromise());
                    super.markDirty();
                }
            } finally {
                buf.release();
            }
        }
    }

    private void markDirty() {
        dirty = true;
    }

    @Override
    public String toString() {
        return tuple.toString();
    }
}
