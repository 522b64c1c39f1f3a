package dev.peerlink.peer.share;

import dev.peerlink.protocol.Message;
import dev.peerlink.share.Location;
import dev.peerlink.share.wire.LinkState;
import dev.peerlink.share.wire.ShareBody;
import dev.peerlink.share.wire.ShareCodec;
import dev.peerlink.share.wire.ShareProtocolException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device being a provider: keeps its announce fresh (every {@code refresh}, after every re-registration, and when it
 * moves or its state changes) and answers the server's access requests with an {@link AccessDecider}. Decisions run on
 * their own thread, so a prompt that waits for the user blocks nothing else.
 */
public final class Offering implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Offering.class);

    private final ShareClient client;
    private final AccessDecider decider;
    private final ScheduledExecutorService timer;
    private final ExecutorService decisions;
    private volatile ShareBody.Announce announce;
    private volatile BiConsumer<ShareBody.AccessRequest, AccessDecider.Decision> listener = (r, d) -> {};
    private volatile boolean closed;

    private Offering(ShareClient client, ShareBody.Announce announce, AccessDecider decider) {
        this.client = client;
        this.announce = announce;
        this.decider = decider;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "share-offer"));
        this.decisions = Executors.newSingleThreadExecutor(r -> daemon(r, "share-decide"));
    }

    static Offering start(ShareClient client, ShareBody.Announce announce, AccessDecider decider, Duration refresh) {
        Offering o = new Offering(client, announce, decider);
        client.signalling().onShare(o::onServerMessage);
        client.signalling().addRegisteredListener(r -> o.timer.execute(o::sendAnnounce));
        o.timer.scheduleWithFixedDelay(o::sendAnnounce, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
        return o;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Called with each access request and what was decided (the CLI prints them). */
    public void onRequest(BiConsumer<ShareBody.AccessRequest, AccessDecider.Decision> l) {
        this.listener = l;
    }

    /** The device moved: announce the new position now. */
    public void moveTo(Location location) {
        ShareBody.Announce a = announce;
        announce = new ShareBody.Announce(location, a.networks(), a.sceneHints(), a.offer(), a.state(), a.policy());
        timer.execute(this::sendAnnounce);
    }

    /** The link's state changed (measured rates, battery): announce it now. */
    public void updateState(LinkState state) {
        ShareBody.Announce a = announce;
        announce = new ShareBody.Announce(a.location(), a.networks(), a.sceneHints(), a.offer(), state, a.policy());
        timer.execute(this::sendAnnounce);
    }

    public ShareBody.Announce current() {
        return announce;
    }

    private void sendAnnounce() {
        if (closed) {
            return;
        }
        client.announce(announce).whenComplete((x, e) -> {
            if (e != null && !closed) {
                LOG.warn("sharing announce failed: {}", e.getMessage());
            }
        });
    }

    private void onServerMessage(Message.Share m) {
        if (closed || !m.kind().equals("share-access")) {
            return;
        }
        ShareBody.AccessRequest r;
        try {
            r = (ShareBody.AccessRequest) ShareCodec.decode(m);
        } catch (ShareProtocolException | ClassCastException e) {
            LOG.warn("unreadable access request: {}", e.getMessage());
            return;
        }
        decisions.execute(() -> decide(r));
    }

    private void decide(ShareBody.AccessRequest r) {
        AccessDecider.Decision d;
        try {
            d = decider.decide(r);
        } catch (RuntimeException e) {
            LOG.warn("access decision failed", e);
            d = new AccessDecider.Decline("error");
        }
        ShareBody.Announce a = announce;
        ShareBody.AccessAnswer answer = d instanceof AccessDecider.Decline no
                ? new ShareBody.AccessAnswer(r.request(), false, null, null, no.reason())
                : new ShareBody.AccessAnswer(r.request(), true, a.offer(), a.state(), null);
        try {
            listener.accept(r, d);
        } catch (RuntimeException e) {
            LOG.warn("access listener failed", e);
        }
        client.answer(answer).whenComplete((x, e) -> {
            if (e != null) {
                LOG.info("answer to access request from {} not taken: {}", r.requester(), e.getMessage());
            }
        });
    }

    /** Stops sharing: withdraws the announce (best effort) and stops answering. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        decisions.shutdownNow();
        try {
            client.withdraw().get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("withdraw on close: {}", e.toString());
        }
    }
}
