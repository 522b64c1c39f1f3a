package dev.peerlink.server.transfer.internal;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.server.transfer.TransferConfig;
import dev.peerlink.server.transfer.TransferStats;
import dev.peerlink.transfer.Manifest;
import dev.peerlink.transfer.MetadataStore;
import dev.peerlink.transfer.PossessionChallenge;
import dev.peerlink.transfer.PossessionResponse;
import dev.peerlink.transfer.UploadException;
import dev.peerlink.transfer.UploadRecord;
import dev.peerlink.transfer.UploadService;
import dev.peerlink.transfer.client.TransferClient;
import dev.peerlink.transfer.wire.TransferFrame;
import dev.peerlink.transfer.wire.TransferProtocolException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender's side of the protocol on a server: offer → challenge → prove → plan → chunks → finish → accepted,
 * resumable, on top of {@link UploadService}. On a private tier that does not hold the content, the offer is
 * first put to the central server: its challenge is relayed to the sender (one proof answers both tiers), and if
 * the central holds every chunk the sender proved, the central delivers and this server stores nothing. The
 * sender sees the same messages in every case: nothing tells a non-owner who holds what.
 */
final class UploadFlow {
    private static final Logger LOG = LoggerFactory.getLogger(UploadFlow.class);

    private final TransferConfig config;
    private final MetadataStore meta;
    private final UploadService uploads;
    private final DeliveryHub hub;
    private final CentralLink central;
    private final Predicate<String> knownTarget;
    private final LongSupplier clock;
    private final Executor background;
    private final UsageMeter usage;
    private final TransferStats stats;

    UploadFlow(TransferConfig config, MetadataStore meta, UploadService uploads, DeliveryHub hub, CentralLink central,
               Predicate<String> knownTarget, LongSupplier clock, Executor background, TransferStats stats) {
        this.config = config;
        this.meta = meta;
        this.uploads = uploads;
        this.hub = hub;
        this.central = central;
        this.knownTarget = knownTarget;
        this.clock = clock;
        this.background = background;
        this.usage = new UsageMeter(meta, this::today);
        this.stats = stats;
    }

    /** The session owner: the device, or {@code tier:<id>} for a private tier (the sender's id rides in the context). */
    private static String owner(TransferConn c) {
        return c.tierId() != null ? "tier:" + c.tierId() : c.device();
    }

    void offer(TransferConn c, TransferFrame f) throws Errors.Refused, TransferProtocolException, IOException {
        String target = deviceId(f.str("target"), "target");
        String name = f.optStr("name");
        String owner;
        String from;
        if (c.tierId() != null) {
            String sender = deviceId(f.str("sender"), "sender");
            owner = owner(c);
            from = sender + "@" + c.tierId();
        } else {
            owner = c.device();
            from = c.device();
            if (!knownTarget.test(target)) {
                throw new Errors.Refused("unknown-target", "no device " + target + " is known here");
            }
        }
        Manifest m;
        try {
            m = Manifest.decode(f.payload(), config.maxContentSize());
        } catch (IllegalArgumentException e) {
            throw new Errors.Refused("bad-manifest", e.getMessage());
        }
        if (c.tierId() == null && meta.openUploads(owner).size() >= config.maxOpenUploads()) {
            throw new Errors.Refused("too-many-uploads", "at most " + config.maxOpenUploads() + " unfinished uploads per device");
        }
        SessionContext ctx = SessionContext.of(target, name, from);
        PossessionChallenge preset = null;
        if (central != null && meta.content(m.contentId()).isEmpty()) {
            try {
                CentralLink.Offered o = central.offer(m, target, name, c.device());
                preset = PossessionChallenge.decode(o.challenge());
                ctx = ctx.withCentral(o.session());
            } catch (IOException | RuntimeException e) {
                LOG.info("central server not asked ({}): this server takes the upload", e.getMessage());
            }
        }
        try {
            UploadService.Started s = uploads.start(owner, m, ctx.encode(), preset);
            stats.offered(m.size());
            c.send(TransferFrame.of("challenge").with("rid", f.rid()).with("session", s.sessionId()).payload(s.challenge().encode()));
        } catch (UploadException e) {
            if (ctx.central() != null) {
                String cs = ctx.central();
                background.execute(() -> central.cancel(cs));
            }
            throw Errors.of(e);
        }
    }

    void prove(TransferConn c, TransferFrame f) throws Errors.Refused, TransferProtocolException, IOException {
        String session = f.str("session");
        String owner = owner(c);
        try {
            UploadRecord u = uploads.record(owner, session);
            SessionContext ctx = SessionContext.decode(u.context());
            UploadService.Plan p = uploads.prove(owner, session, decodeResponse(f.payload()));
            if (ctx.central() != null) {
                if (!p.nothingToSend()) {
                    try {
                        if (central.prove(ctx.central(), f.payload()).isEmpty()) {
                            meta.setUploadContext(session, ctx.delegate().encode(), clock.getAsLong());
                            sendPlan(c, f.rid(), session, new BitSet(), 0);
                            stats.planned(u.manifest().size(), 0, true);
                            return;
                        }
                    } catch (IOException e) {
                        LOG.info("central server did not answer the proof ({}): this server takes the upload", e.getMessage());
                    }
                }
                String cs = ctx.central();
                background.execute(() -> central.cancel(cs));
                meta.setUploadContext(session, ctx.local().encode(), clock.getAsLong());
            }
            if (c.tierId() == null && !p.nothingToSend()) {
                usage.flush(owner);
                long used = meta.usage(owner, today());
                if (used + p.bytesNeeded() > config.dailyQuota()) {
                    uploads.abandon(owner, session);
                    throw new Errors.Refused("quota-exceeded", "uploading " + p.bytesNeeded() + " bytes would pass today's quota of "
                            + config.dailyQuota() + " (" + used + " used)");
                }
            }
            sendPlan(c, f.rid(), session, p.needed(), p.bytesNeeded());
            stats.planned(u.manifest().size(), p.bytesNeeded(), false);
        } catch (UploadException e) {
            throw Errors.of(e);
        }
    }

    private static void sendPlan(TransferConn c, String rid, String session, BitSet needed, long bytes) {
        c.send(TransferFrame.of("plan").with("rid", rid).with("session", session).with("chunks", needed.cardinality())
                .with("bytesNeeded", bytes).payload(needed.toByteArray()));
    }

    private long today() {
        return Math.floorDiv(clock.getAsLong(), 86_400_000L);
    }

    static PossessionResponse decodeResponse(byte[] payload) throws Errors.Refused {
        if (payload.length % 32 != 0) {
            throw new Errors.Refused("invalid", "a proof is a sequence of 32-byte digests");
        }
        List<byte[]> digests = new ArrayList<>(payload.length / 32);
        for (int i = 0; i < payload.length; i += 32) {
            digests.add(java.util.Arrays.copyOfRange(payload, i, i + 32));
        }
        return new PossessionResponse(digests);
    }

    /** A chunk: answered with {@code stored} or an {@code error} naming the session and index (and the rid, if it had one). */
    void chunk(TransferConn c, TransferFrame f) throws TransferProtocolException, IOException {
        String session = f.str("session");
        int index = (int) f.num("index", 0, Integer.MAX_VALUE);
        String owner = owner(c);
        try {
            uploads.putChunk(owner, session, index, new ByteArrayInputStream(f.payload()));
            stats.stored(f.payload().length);
            if (c.tierId() == null) {
                usage.add(owner, f.payload().length);
            }
            c.send(TransferFrame.of("stored").with("rid", f.rid()).with("session", session).with("index", index));
        } catch (UploadException e) {
            if (e.reason() == UploadException.Reason.CORRUPT_CHUNK) {
                stats.refused();
            }
            c.send(Errors.frame(f.rid(), Errors.code(e.reason()), e.getMessage()).with("session", session).with("index", index));
        }
    }

    void resume(TransferConn c, TransferFrame f) throws Errors.Refused, TransferProtocolException, IOException {
        String session = f.str("session");
        String owner = owner(c);
        try {
            UploadRecord u = uploads.record(owner, session);
            SessionContext ctx = SessionContext.decode(u.context());
            if (ctx.delivery() >= 0) {
                accepted(c, f.rid(), session, u, ctx);
                return;
            }
            switch (u.state()) {
                case CHALLENGED -> c.send(TransferFrame.of("challenge").with("rid", f.rid()).with("session", session).payload(u.challenge()));
                case UPLOADING -> {
                    if (ctx.delegated()) {
                        sendPlan(c, f.rid(), session, new BitSet(), 0);
                    } else {
                        UploadService.Plan p = uploads.resume(owner, session);
                        sendPlan(c, f.rid(), session, p.needed(), p.bytesNeeded());
                    }
                }
                default -> throw new Errors.Refused("session-failed", "session " + session + " failed; offer the content again");
            }
        } catch (UploadException e) {
            throw Errors.of(e);
        }
    }

    void finish(TransferConn c, TransferFrame f) throws Errors.Refused, TransferProtocolException, IOException {
        String session = f.str("session");
        String owner = owner(c);
        try {
            UploadRecord u = uploads.record(owner, session);
            SessionContext ctx = SessionContext.decode(u.context());
            if (ctx.delivery() >= 0) {
                accepted(c, f.rid(), session, u, ctx); // a repeated finish (the answer was lost)
                return;
            }
            if (ctx.delegated()) {
                finishAtCentral(c, f.rid(), session, owner, u, ctx);
                return;
            }
            usage.flush(owner);
            UploadService.Finished fin = uploads.finish(owner, session);
            long now = clock.getAsLong();
            long id = meta.createDelivery(fin.contentId(), ctx.from(), ctx.target(), ctx.name(), now);
            stats.delivery();
            SessionContext done = ctx.delivered(id, config.tier().wire());
            meta.setUploadContext(session, done.encode(), now);
            meta.delivery(id).ifPresent(hub::created);
            accepted(c, f.rid(), session, u, done);
        } catch (UploadException e) {
            throw Errors.of(e);
        }
    }

    private void finishAtCentral(TransferConn c, String rid, String session, String owner, UploadRecord u, SessionContext ctx)
            throws Errors.Refused, IOException, UploadException {
        long id;
        try {
            id = central.finish(ctx.central());
        } catch (IOException e) {
            // The central server went away after claiming the content: take the upload here instead.
            LOG.info("central server could not finish session {} ({}): the sender uploads here", ctx.central(), e.getMessage());
            BitSet all = new BitSet();
            all.set(0, u.manifest().chunkCount());
            long now = clock.getAsLong();
            meta.setUploadContext(session, ctx.local().encode(), now);
            uploads.replan(owner, session, all);
            throw new Errors.Refused("incomplete", "the central server is unavailable; resume to upload here");
        }
        SessionContext done = ctx.delivered(id, TransferConfig.Tier.CENTRAL.wire());
        meta.setUploadContext(session, done.encode(), clock.getAsLong());
        uploads.abandon(owner, session); // nothing stored here: the central server delivers
        hub.heldElsewhere(ctx.target(), id, u.manifest().contentId().toString(), u.manifest().size(), ctx.from(), ctx.name(),
                TransferClient.endpoint(config.central().orElseThrow()).toString());
        accepted(c, rid, session, u, done);
    }

    private static void accepted(TransferConn c, String rid, String session, UploadRecord u, SessionContext ctx) {
        c.send(TransferFrame.of("accepted").with("rid", rid).with("session", session)
                .with("contentId", u.manifest().contentId().toString()).with("size", u.manifest().size())
                .with("deliveredBy", ctx.deliveredBy()).with("delivery", ctx.delivery()));
    }

    void cancel(TransferConn c, TransferFrame f) throws Errors.Refused, TransferProtocolException, IOException {
        String session = f.str("session");
        String owner = owner(c);
        try {
            SessionContext ctx = SessionContext.decode(uploads.record(owner, session).context());
            uploads.abandon(owner, session);
            if (ctx.central() != null && ctx.delivery() < 0) {
                background.execute(() -> central.cancel(ctx.central()));
            }
            c.send(TransferFrame.of("ok").with("rid", f.rid()));
        } catch (UploadException e) {
            throw Errors.of(e);
        }
    }

    private static String deviceId(String s, String field) throws Errors.Refused {
        try {
            return new DeviceId(s).value();
        } catch (IllegalArgumentException e) {
            throw new Errors.Refused("invalid", field + ": " + e.getMessage());
        }
    }
}
