package dev.peerlink.exit.provider.internal;

import dev.peerlink.exit.ExitException;
import dev.peerlink.exit.egress.EgressDecision;
import dev.peerlink.exit.egress.IpLiterals;
import dev.peerlink.exit.provider.ExitConfig;
import dev.peerlink.exit.wire.ExitError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What TCP and UDP flows share: admission, the port, quota and destination checks, name resolution at the exit,
 * connecting, pacing and counting bytes, the flow log. Every check failure is an {@link ExitException} carrying the
 * {@link ExitError} the requester is answered with.
 */
public final class ExitCore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExitCore.class);

    private final ExitConfig config;
    private final Predicate<String> admitted;
    private final DailyUsage usage;
    private final FlowLog log;
    private final Tally tally = new Tally();
    private final Requesters requesters;
    private final ScheduledExecutorService timers;
    private final ExecutorService lookups = Executors.newVirtualThreadPerTaskExecutor();

    public ExitCore(ExitConfig config, Predicate<String> admitted, Clock clock) throws IOException {
        this.config = config;
        this.admitted = admitted;
        this.usage = new DailyUsage(config.flowLogDir(), clock);
        this.log = new FlowLog(config.flowLogDir());
        this.requesters = new Requesters(config.maxFlowsPerRequester(), config.limits().maxUsers(),
                config.limits().bandwidthKbps());
        this.timers = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("peerlink-exit-timer").factory());
    }

    public ExitConfig config() {
        return config;
    }

    public DailyUsage usage() {
        return usage;
    }

    public Tally tally() {
        return tally;
    }

    public Requesters requesters() {
        return requesters;
    }

    /** Runs {@code task} after {@code ms} on the exit's timer; null once the exit is closed (nothing scheduled). */
    public ScheduledFuture<?> schedule(Runnable task, long ms) {
        try {
            return timers.schedule(task, ms, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    public ScheduledExecutorService timers() {
        return timers;
    }

    /** The lead's predicate (server match + policy grant); a failing predicate admits no one. */
    public boolean admitted(String requester) {
        try {
            return admitted.test(requester);
        } catch (RuntimeException e) {
            LOG.warn("admission check for {} failed: {}", requester, e.toString());
            return false;
        }
    }

    public void checkAdmitted(String requester) throws ExitException {
        if (!admitted(requester)) {
            throw new ExitException(ExitError.NOT_ADMITTED, "this provider does not serve " + requester);
        }
    }

    public void checkPort(int port) throws ExitException {
        EgressDecision d = config.rules().checkPort(port);
        if (!d.allowed()) {
            throw new ExitException(d.error(), d.reason());
        }
        if (!config.limits().allowsPort(port)) {
            throw new ExitException(ExitError.PORT_NOT_ALLOWED, "port " + port + " is not in " + config.limits().ports());
        }
    }

    public void checkQuota(String requester) throws ExitException {
        long daily = config.limits().dailyBytes();
        if (daily > 0 && usage.used(requester) >= daily) {
            throw new ExitException(ExitError.QUOTA_EXCEEDED, "daily quota of " + daily + " bytes used");
        }
    }

    /**
     * The addresses {@code host} stands for, resolved here at the exit (an IP literal as is), all of them allowed.
     * A name with any refused address is refused as a whole.
     */
    public List<InetAddress> resolve(String host, int port) throws ExitException {
        List<InetAddress> addresses = IpLiterals.parse(host).map(List::of).orElse(null);
        if (addresses == null) {
            Future<InetAddress[]> f = lookups.submit(() -> InetAddress.getAllByName(host));
            try {
                addresses = List.of(f.get(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                f.cancel(true);
                throw new ExitException(ExitError.DNS_FAILURE, host + ": no answer within " + config.connectTimeout());
            } catch (ExecutionException e) {
                String why = e.getCause() instanceof UnknownHostException ? "no such name" : String.valueOf(e.getCause());
                throw new ExitException(ExitError.DNS_FAILURE, host + ": " + why);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExitException(ExitError.INTERNAL, "interrupted");
            }
        }
        EgressDecision d = config.rules().checkAll(addresses, port);
        if (!d.allowed()) {
            throw new ExitException(d.error(), d.reason());
        }
        return addresses;
    }

    /** Connects to the first of {@code addresses} that answers, all within the connect timeout. */
    public Socket connect(List<InetAddress> addresses, int port) throws ExitException {
        long deadline = System.nanoTime() + config.connectTimeout().toNanos();
        ExitException last = null;
        for (InetAddress a : addresses) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                break;
            }
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(a, port), (int) Math.min(Integer.MAX_VALUE, left));
                s.setTcpNoDelay(true);
                s.setKeepAlive(true);
                return s;
            } catch (IOException e) {
                closeQuietly(s);
                last = connectFailure(a, port, e);
            }
        }
        throw last != null ? last : new ExitException(ExitError.TIMEOUT, "no address answered within " + config.connectTimeout());
    }

    static ExitException connectFailure(InetAddress a, int port, IOException e) {
        String where = a.getHostAddress() + " port " + port;
        String msg = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (e instanceof SocketTimeoutException || msg.contains("timed out")) {
            return new ExitException(ExitError.TIMEOUT, where + ": connect timed out", e);
        }
        if (e instanceof NoRouteToHostException || msg.contains("unreachable") || msg.contains("no route")) {
            return new ExitException(ExitError.UNREACHABLE, where + ": " + e.getMessage(), e);
        }
        if (e instanceof ConnectException) {
            return new ExitException(ExitError.CONNECTION_REFUSED, where + ": connection refused", e);
        }
        return new ExitException(ExitError.UNREACHABLE, where + ": " + e.getMessage(), e);
    }

    /** Waits until {@code r}'s rate allows {@code n} more bytes this way (no-op without a bandwidth limit). */
    public void pace(Requesters.Requester r, boolean upward, int n) throws InterruptedException {
        TokenBucket b = r.bucket(upward);
        if (b != null) {
            b.take(n);
        }
    }

    /** Counts {@code n} bytes carried for {@code r}; false once its daily quota is exceeded. */
    public boolean count(Requesters.Requester r, boolean upward, int n) {
        tally.bytes(upward, n);
        long total = usage.add(r.id(), n);
        long daily = config.limits().dailyBytes();
        return daily == 0 || total <= daily;
    }

    public void log(FlowRecord r) {
        log.append(r);
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing after a failure: nothing more to do
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
        lookups.shutdownNow();
        usage.save();
    }
}
