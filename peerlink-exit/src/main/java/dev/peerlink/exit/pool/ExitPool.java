package dev.peerlink.exit.pool;

import dev.peerlink.exit.ExitDialer;
import dev.peerlink.exit.ExitException;
import dev.peerlink.exit.ExitFlow;
import dev.peerlink.exit.UdpAssociation;
import dev.peerlink.exit.wire.ExitDatagram;
import dev.peerlink.exit.wire.ExitError;
import dev.peerlink.exit.wire.ExitProtocolException;
import dev.peerlink.peer.PeerConnection;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several providers at once (seed 001 claims 6 and 11): keeps {@code target} provider connections up, measures each
 * continuously (pings every {@value #PING_MS} ms: RTT, loss, silence; the provider's own reported state), sends new
 * flows to the best by {@link ExitScore} with hysteresis, and when the best stalls or dies moves new flows at once to
 * the next one already connected while another candidate connects in the background (make-before-break). Flows open
 * on a dead exit fail: their remote end was that exit's address, so an application retries if its request is
 * idempotent.
 */
public final class ExitPool implements ExitDialer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExitPool.class);
    static final long PING_MS = 200;
    private static final long REFIND_MS = 10_000;
    /** Finds again this often even when nothing is missing: providers grant access per find (docs/sharing.md). */
    private static final long REFRESH_MS = 300_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How the pool reaches providers and learns of candidates; the CLI and SDK wire a Peer and a ShareClient in. */
    public interface Providers {
        /** Candidates, best first (a fresh find). */
        CompletableFuture<List<String>> find();

        /** A secure connection to {@code provider}. */
        CompletableFuture<PeerConnection> connect(String provider);
    }

    private final Providers providers;
    private final Consumer<PoolEvent> events;
    private final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "exit-pool");
        t.setDaemon(true);
        return t;
    });
    private final List<ProviderLink> links = new CopyOnWriteArrayList<>();
    private final Set<String> connecting = new LinkedHashSet<>();
    private final Set<String> failed = new LinkedHashSet<>();
    private final List<String> candidates = new ArrayList<>();
    private volatile int target;
    private volatile ProviderLink current;
    private String challenger;
    private long challengerSinceNanos;
    private long lastFindNanos = Long.MIN_VALUE / 2;
    private boolean finding;
    private volatile boolean closed;
    private final FlowOpener opener = new FlowOpener(new FlowOpener.Exits() {
        public ProviderLink current() {
            return current;
        }

        public List<ProviderLink> links() {
            return links;
        }

        public void lost(ProviderLink l, String reason) {
            ExitPool.this.lost(l, reason);
        }
    });

    private ExitPool(Providers providers, int target, Consumer<PoolEvent> events) {
        this.providers = providers;
        this.target = target;
        this.events = events;
    }

    /** Starts: finds, connects up to {@code target} providers, completes when the first exit is chosen. */
    public static CompletableFuture<ExitPool> start(Providers providers, int target, Consumer<PoolEvent> events, Duration timeout) {
        ExitPool pool = new ExitPool(providers, Math.max(1, target), events);
        CompletableFuture<ExitPool> ready = new CompletableFuture<>();
        pool.exec.execute(pool::replenish);
        pool.exec.scheduleWithFixedDelay(pool::tick, PING_MS, PING_MS, TimeUnit.MILLISECONDS);
        pool.exec.scheduleWithFixedDelay(() -> {
            if (pool.current != null) {
                ready.complete(pool);
            } else if (pool.noHope()) {
                ready.completeExceptionally(new ExitException(ExitError.NO_EXIT, "no provider could be connected"));
            }
        }, 20, 20, TimeUnit.MILLISECONDS);
        return ready.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((p, e) -> {
            if (e != null) {
                pool.close();
            }
        });
    }

    /** Changes how many providers are kept connected (prediction raises it before a weak spot). */
    public void target(int n) {
        target = Math.max(1, n);
        onPool(this::replenish);
    }

    public int target() {
        return target;
    }

    /** The providers connected now, current exit first. */
    public List<String> connected() {
        List<String> out = new ArrayList<>();
        ProviderLink c = current;
        if (c != null) {
            out.add(c.id);
        }
        links.stream().map(l -> l.id).filter(id -> c == null || !id.equals(c.id)).forEach(out::add);
        return out;
    }

    /** The current exit's id, or null. */
    public String current() {
        ProviderLink c = current;
        return c == null ? null : c.id;
    }

    @Override
    public CompletableFuture<ExitFlow> open(String host, int port) {
        return opener.open(host, port);
    }

    @Override
    public UdpAssociation associate(Consumer<UdpAssociation.Packet> fromRemote) throws ExitException {
        ProviderLink link = current;
        if (link == null) {
            throw new ExitException(ExitError.NO_EXIT, "no exit connected");
        }
        int flow = RANDOM.nextInt() & 0x7fffffff;
        link.udp.put(flow, fromRemote);
        return new UdpAssociation() {
            @Override
            public void send(String host, int port, byte[] payload) throws ExitException {
                try {
                    link.send(new ExitDatagram.Udp(flow, host, port, payload));
                } catch (IOException | IllegalArgumentException e) {
                    throw new ExitException(ExitError.UNREACHABLE, e.getMessage());
                }
            }

            @Override
            public void close() {
                link.udp.remove(flow);
            }
        };
    }

    // ---- on the pool's thread ---------------------------------------------------------------------------------

    private void tick() {
        if (closed) {
            return;
        }
        try {
            long now = System.nanoTime();
            for (ProviderLink l : links) {
                if (!l.connection.isOpen()) {
                    lost(l, "connection closed");
                    continue;
                }
                if (l.meter.silentMs(now) >= ExitScore.DEAD_MS) {
                    lost(l, "no answer for " + (long) l.meter.silentMs(now) + " ms");
                    continue;
                }
                try {
                    l.send(new ExitDatagram.Ping(l.meter.ping(), now));
                } catch (IOException e) {
                    LOG.debug("ping to {} failed: {}", l.id, e.toString());
                }
            }
            choose(now);
            replenish();
            if ((now - lastFindNanos) / 1_000_000 >= REFRESH_MS) {
                refind();
            }
        } catch (RuntimeException e) {
            LOG.warn("exit pool tick failed", e);
        }
    }

    private void choose(long now) {
        ProviderLink cur = current;
        ProviderLink best = null;
        double bestScore = -1;
        for (ProviderLink l : links) {
            double s = l.score(now);
            if (!ExitScore.unusable(l.meter.silentMs(now)) && s > bestScore) {
                best = l;
                bestScore = s;
            }
        }
        if (best == null) {
            return; // keep the current one: maybe it recovers; nothing better is up
        }
        if (cur == null || !links.contains(cur)) {
            switchTo(best, now, cur == null ? null : "lost");
            return;
        }
        if (ExitScore.unusable(cur.meter.silentMs(now))) {
            switchTo(best, now, "stalled");
            return;
        }
        if (best != cur && ExitScore.clearlyBetter(bestScore, cur.score(now))) {
            if (!best.id.equals(challenger)) {
                challenger = best.id;
                challengerSinceNanos = now;
            } else if ((now - challengerSinceNanos) / 1_000_000 >= ExitScore.HOLD_MS) {
                switchTo(best, now, "better-score");
            }
        } else {
            challenger = null;
        }
    }

    private void switchTo(ProviderLink next, long now, String reason) {
        if (next == current) {
            return;
        }
        current = next;
        challenger = null;
        emit(new PoolEvent.Exit(next.id, next.path(), next.meter.rttMs(), next.score(now), reason));
    }

    /** Runs on the pool's thread; dropped once the pool is closed. */
    private void onPool(Runnable r) {
        if (closed) {
            return;
        }
        try {
            exec.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void lost(ProviderLink l, String reason) {
        onPool(() -> {
            if (!links.remove(l)) {
                return;
            }
            l.close();
            failed.add(l.id);
            emit(new PoolEvent.ProviderLost(l.id, reason));
            if (current == l) {
                current = null;
                choose(System.nanoTime());
            }
            replenish();
        });
    }

    private void replenish() {
        if (closed || links.size() + connecting.size() >= target) {
            return;
        }
        String next = candidates.stream().filter(c -> !connecting.contains(c) && !failed.contains(c)
                && links.stream().noneMatch(l -> l.id.equals(c))).findFirst().orElse(null);
        if (next == null) {
            refind();
            return;
        }
        connecting.add(next);
        long started = System.nanoTime();
        providers.connect(next).orTimeout(15, TimeUnit.SECONDS).whenCompleteAsync((conn, e) -> {
            connecting.remove(next);
            if (e != null || closed) {
                if (conn != null) {
                    conn.close();
                }
                failed.add(next);
                if (e != null) {
                    emit(new PoolEvent.ConnectFailed(next, String.valueOf(unwrap(e).getMessage())));
                }
                replenish();
                return;
            }
            ProviderLink link = new ProviderLink(next, conn, System.nanoTime());
            conn.onDatagram(bytes -> onDatagram(link, bytes));
            conn.onClose(x -> lost(link, "connection closed"));
            links.add(link);
            emit(new PoolEvent.Connected(next, conn.path(), (System.nanoTime() - started) / 1_000_000));
            if (current == null) {
                switchTo(link, System.nanoTime(), null);
            }
            replenish();
        }, exec);
        replenish();
    }

    private void refind() {
        long now = System.nanoTime();
        if (finding || (now - lastFindNanos) / 1_000_000 < REFIND_MS) {
            return;
        }
        finding = true;
        lastFindNanos = now;
        providers.find().whenCompleteAsync((found, e) -> {
            finding = false;
            if (e != null) {
                LOG.info("finding providers failed: {}", unwrap(e).getMessage());
                return;
            }
            candidates.clear();
            candidates.addAll(found);
            // a provider lost earlier gets another chance when the server lists it again
            failed.clear();
            replenish();
        }, exec);
    }

    /** True when nothing is connected or connecting and the last find found nobody new. */
    private boolean noHope() {
        return links.isEmpty() && connecting.isEmpty() && !finding && lastFindNanos > Long.MIN_VALUE / 2
                && candidates.stream().allMatch(failed::contains);
    }

    private void onDatagram(ProviderLink link, byte[] bytes) {
        long now = System.nanoTime();
        ExitDatagram d;
        try {
            d = ExitDatagram.decode(bytes);
        } catch (ExitProtocolException e) {
            return;
        }
        switch (d) {
            case ExitDatagram.Pong p -> onPool(() -> link.meter.pong(p.id(), p.sentNanos(), now));
            case ExitDatagram.State s -> link.state(s.json());
            case ExitDatagram.Udp u -> {
                Consumer<UdpAssociation.Packet> h = link.udp.get(u.flow());
                if (h != null) {
                    h.accept(new UdpAssociation.Packet(u.host(), u.port(), u.payload()));
                }
            }
            case ExitDatagram.Ping p -> { } // providers do not ping requesters
        }
    }

    private void emit(PoolEvent e) {
        try {
            events.accept(e);
        } catch (RuntimeException ex) {
            LOG.warn("pool event listener failed", ex);
        }
    }

    private static Throwable unwrap(Throwable e) {
        while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    @Override
    public void close() {
        closed = true;
        exec.shutdownNow();
        links.forEach(ProviderLink::close);
        links.clear();
    }
}
