package dev.peerlink.cli;

import dev.peerlink.protocol.Message;
import dev.peerlink.transfer.client.TransferClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code peer --inbox DIR}: fetches deliveries when the server announces them on the signalling connection, over a
 * transfer connection opened for the job and closed after, so a running device holds one connection to its server,
 * not two. A sweep of the home server (and the central it names) at start and every {@code sweepEvery} picks up
 * what no notice reached (content sent straight to the central for a device at home on a private server).
 */
final class NoticeInbox implements AutoCloseable {
    private static final Object SWEEP = new Object();
    private static final Duration RETRY = Duration.ofSeconds(10);

    private final InboxReceiver.Connector connector;
    private final URI home;
    private final Path saveDir;
    private final InboxReceiver.Sink sink;
    private final PrintStream err;
    private final Duration sweepEvery;
    private final LinkedBlockingQueue<Object> work = new LinkedBlockingQueue<>();
    private final Thread worker;
    /** The central server the home server names (learned at each sweep), or null. */
    private volatile URI central;

    NoticeInbox(InboxReceiver.Connector connector, URI home, Path saveDir, InboxReceiver.Sink sink, PrintStream err,
            Duration sweepEvery) {
        this.connector = connector;
        this.home = home;
        this.saveDir = saveDir;
        this.sink = sink;
        this.err = err;
        this.sweepEvery = sweepEvery;
        work.add(SWEEP);
        this.worker = Thread.ofPlatform().daemon().name("inbox").start(this::run);
    }

    /**
     * A signalling notice: fetch from the server that holds it — this device's server, or the central server that
     * one names (no other: a notice must not send our credentials to an address of its choosing). Repeats of a
     * handled delivery list nothing.
     */
    void notice(Message.Delivery d) {
        if (d.server() == null) {
            work.add(home);
            return;
        }
        URI holder;
        try {
            holder = TransferClient.endpoint(d.server());
        } catch (IllegalArgumentException e) {
            return;
        }
        URI c = central;
        if (holder.equals(c)) {
            work.add(c);
        } else if (c == null) {
            work.add(SWEEP); // the central isn't known yet: the sweep asks home, which names it
        } else {
            err.println(DeviceOptions.json("event", "inbox-error", "message",
                    "notice names " + holder + ", not this device's central server " + c + ": ignored"));
            err.flush();
        }
    }

    private void run() {
        long nextSweep = System.nanoTime() + sweepEvery.toNanos();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Object job = work.poll(Math.max(1, nextSweep - System.nanoTime()), TimeUnit.NANOSECONDS);
                boolean ok;
                if (job == null || job == SWEEP) {
                    nextSweep = System.nanoTime() + sweepEvery.toNanos();
                    ok = fetch(home, true);
                } else {
                    while (work.remove(job)) {
                        // the same server asked for again meanwhile: one listing serves all
                    }
                    ok = fetch((URI) job, false);
                }
                if (!ok) {
                    // the server is away: sweep again soon (a notice after it returns comes sooner still)
                    nextSweep = Math.min(nextSweep, System.nanoTime() + RETRY.toNanos());
                }
            }
        } catch (InterruptedException e) {
            // stopping
        }
    }

    private boolean fetch(URI url, boolean andCentral) {
        try (InboxReceiver r = InboxReceiver.open(connector, url, saveDir, sink, andCentral)) {
            if (andCentral) {
                central = r.central();
            }
            r.drain(false);
            return true;
        } catch (IOException | RuntimeException e) {
            err.println(DeviceOptions.json("event", "inbox-error", "message", String.valueOf(e.getMessage())));
            err.flush();
            return false;
        }
    }

    @Override
    public void close() {
        worker.interrupt();
    }
}
