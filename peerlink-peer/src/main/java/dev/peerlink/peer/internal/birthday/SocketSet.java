package dev.peerlink.peer.internal.birthday;

import dev.peerlink.peer.internal.ReadLoops;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The many sockets of one side of a birthday step (the one-sided hard side, either side of two-sided prediction), read
 * through one selector: at most one of them wins and is handed to QUIC, every other one is closed and counted
 * ({@link BirthdaySockets}) exactly once.
 */
final class SocketSet implements AutoCloseable {
    private final Selector selector;
    private final List<DatagramChannel> sockets;
    private volatile Thread loop;
    private volatile DatagramChannel winner;
    private volatile boolean handedOff;
    private volatile boolean closed;

    private SocketSet(Selector selector, List<DatagramChannel> sockets) {
        this.selector = selector;
        this.sockets = sockets;
    }

    /** Binds one non-blocking socket per entry of {@code localPorts} (0: any port), each registered for reading. */
    static SocketSet open(int[] localPorts) throws IOException {
        Selector sel = Selector.open();
        List<DatagramChannel> socks = new ArrayList<>(localPorts.length);
        try {
            for (int port : localPorts) {
                DatagramChannel ch = DatagramChannel.open();
                BirthdaySockets.opened();
                socks.add(ch);
                ch.bind(new InetSocketAddress(port));
                ch.configureBlocking(false);
                ch.register(sel, SelectionKey.OP_READ);
            }
        } catch (IOException | RuntimeException e) {
            socks.forEach(BirthdaySockets::close);
            sel.close();
            throw e;
        }
        return new SocketSet(sel, socks);
    }

    /** Starts the side's read loop (one daemon thread); {@link #handOff} waits for it to stop. */
    void startLoop(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        loop = t;
        t.start();
    }

    List<DatagramChannel> sockets() {
        return sockets;
    }

    boolean closed() {
        return closed;
    }

    void win(DatagramChannel ch) {
        winner = ch;
    }

    /** How a side reads one readable socket. */
    interface Drain {
        void drain(DatagramChannel ch) throws IOException;
    }

    /** Waits up to {@code ms} for readable sockets and drains each of them until {@code done}. */
    void selectAndDrain(long ms, BooleanSupplier done, Drain drain) throws IOException {
        selector.select(ms);
        for (SelectionKey k : selector.selectedKeys()) {
            if (!done.getAsBoolean()) {
                drain.drain((DatagramChannel) k.channel());
            }
        }
        selector.selectedKeys().clear();
    }

    /** After the side's read loop: a win keeps the winner and releases the rest now; anything else closes the side. */
    void afterLoop(CompletableFuture<?> outcome, Runnable closeSide) {
        if (!outcome.isDone() || outcome.isCompletedExceptionally()) {
            closeSide.run();
        } else {
            releaseLosers();
        }
    }

    /** After a win: closes every other socket now. */
    void releaseLosers() {
        for (DatagramChannel ch : sockets) {
            if (ch != winner) {
                BirthdaySockets.close(ch);
            }
        }
    }

    /** Sockets still held open (the winner counts until handed off). */
    int openSockets() {
        return (int) sockets.stream().filter(DatagramChannel::isOpen).count() - (handedOff ? 1 : 0);
    }

    /**
     * Once the side's read loop has stopped: the winner, no longer read here, for QUIC to own.
     *
     * @param won whether the side's outcome was a win (else there is nothing to hand off)
     */
    synchronized DatagramChannel handOff(boolean won) throws IOException {
        ReadLoops.awaitStopped(loop);
        if (!won || closed || winner == null) {
            throw new IOException("nothing to hand off");
        }
        handedOff = true;
        selector.close(); // deregisters the winner
        winner.configureBlocking(false);
        BirthdaySockets.released();
        return winner;
    }

    /** Closes everything but a handed-off winner. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing to do
        }
        for (DatagramChannel ch : sockets) {
            if (!(handedOff && ch == winner)) {
                BirthdaySockets.close(ch);
            }
        }
    }
}
