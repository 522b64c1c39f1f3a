package dev.peerlink.peer.internal.stream;

import dev.peerlink.peer.internal.stream.SegmentCodec.Header;
import dev.peerlink.peer.internal.stream.StreamFramingException.Reason;
import dev.peerlink.secure.SecureStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of a {@link MigratingConnection}: reads the header of each physical stream the peer opens, acts
 * on DRAIN and RESET, hands DATA segments to their logical stream — creating peer-opened streams on segment 0 and
 * holding continuation segments that overtook it — and delivers new logical streams to the accept queue or handler.
 */
final class SegmentRouter {
    private static final Logger log = LoggerFactory.getLogger(SegmentRouter.class);
    private static final LogicalStream END_OF_STREAMS = new LogicalStream(null, Integer.MAX_VALUE);

    private final MigratingConnection conn;
    private final boolean initiator;
    /** The connection's open logical streams (shared with it). */
    private final Map<Integer, LogicalStream> streams;
    /** Continuation segments of peer-opened streams whose segment 0 has not arrived yet. */
    private final Map<Integer, TreeMap<Integer, OutSegment.In>> early = new HashMap<>();
    private final Set<Integer> seenPeerIds = new HashSet<>();
    private final LinkedBlockingQueue<LogicalStream> incoming = new LinkedBlockingQueue<>();
    private volatile Consumer<SecureStream> streamHandler;

    SegmentRouter(MigratingConnection conn, boolean initiator, Map<Integer, LogicalStream> streams) {
        this.conn = conn;
        this.initiator = initiator;
        this.streams = streams;
    }

    /** {@link MigratingConnection#acceptStream()}: the next peer-opened stream, null once the connection ended. */
    SecureStream accept() throws InterruptedException {
        while (true) {
            LogicalStream s = incoming.poll(200, TimeUnit.MILLISECONDS);
            if (s == END_OF_STREAMS) {
                incoming.add(s);
                return null;
            }
            if (s != null) {
                return s;
            }
            if (!conn.isOpen() && incoming.isEmpty()) {
                return null;
            }
        }
    }

    /** {@link MigratingConnection#onStream}: streams already queued go to {@code handler} first. */
    void onStream(Consumer<SecureStream> handler) {
        streamHandler = handler;
        LogicalStream s;
        while ((s = incoming.poll()) != null) {
            if (s == END_OF_STREAMS) {
                incoming.add(s);
                return;
            }
            dispatch(handler, s);
        }
    }

    void onPhysical(PathSession p, SecureStream phys) {
        Header h;
        try {
            h = SegmentCodec.readHeader(phys.input());
        } catch (StreamFramingException e) {
            phys.reset();
            conn.fail(new IOException("peer broke the segment framing on " + p + ": " + e.getMessage(), e));
            return;
        } catch (IOException e) {
            phys.reset();
            return;
        }
        switch (h.kind()) {
            case DRAIN -> {
                closeOutput(phys);
                p.peerDrain(h.streamId());
                conn.checkDrained(p);
            }
            case RESET -> {
                p.inboundArrived(false);
                closeOutput(phys);
                LogicalStream s = streams.get(h.streamId());
                if (s != null) {
                    s.abort(new IOException("stream reset by peer"), false);
                }
                conn.checkDrained(p);
            }
            case DATA -> {
                p.inboundArrived(true);
                routeData(new OutSegment.In(p, phys, h.segment()), h.streamId());
            }
        }
    }

    private void routeData(OutSegment.In in, int id) {
        boolean peers = (id % 2 == 1) != initiator;
        LogicalStream s;
        List<OutSegment.In> earlier = List.of();
        boolean created = false;
        synchronized (this) {
            if (!conn.isOpen()) {
                in.phys().reset();
                in.path().segmentDone();
                return;
            }
            s = streams.get(id);
            if (s == null && peers && !seenPeerIds.contains(id)) {
                if (in.segment() > 0) {
                    TreeMap<Integer, OutSegment.In> m = early.computeIfAbsent(id, k -> new TreeMap<>());
                    if (m.putIfAbsent(in.segment(), in) == null) {
                        return;
                    }
                } else {
                    seenPeerIds.add(id);
                    s = new LogicalStream(conn, id);
                    streams.put(id, s);
                    created = true;
                    TreeMap<Integer, OutSegment.In> m = early.remove(id);
                    earlier = m == null ? List.of() : new ArrayList<>(m.values());
                }
            }
        }
        if (s == null) {
            in.phys().reset();
            in.path().segmentDone();
            conn.fail(new IOException("peer broke the segment framing on " + in.path() + ": "
                    + new StreamFramingException(peers ? Reason.SEGMENT_ORDER : Reason.UNKNOWN_STREAM,
                            "segment " + in.segment() + " of logical stream " + id + " that is not open").getMessage()));
            return;
        }
        if (created) {
            Consumer<SecureStream> h = streamHandler;
            if (h != null) {
                dispatch(h, s);
            } else {
                incoming.add(s);
                Consumer<SecureStream> h2 = streamHandler;
                if (h2 != null && incoming.remove(s)) {
                    dispatch(h2, s);
                }
            }
        }
        earlier.forEach(s::segmentArrived);
        s.segmentArrived(in);
    }

    /** The connection ended: held continuation segments are reset. */
    synchronized void dropEarly() {
        early.values().forEach(m -> m.values().forEach(in -> in.phys().reset()));
        early.clear();
    }

    /** The connection ended: {@link #accept()} returns null from now on. */
    void endOfStreams() {
        incoming.add(END_OF_STREAMS);
    }

    private static void dispatch(Consumer<SecureStream> h, LogicalStream s) {
        Thread.ofVirtual().name("peerlink-logical-" + s.logicalId()).start(() -> {
            try {
                h.accept(s);
            } catch (RuntimeException e) {
                log.warn("stream handler failed on logical stream {}", s.logicalId(), e);
                s.reset();
            }
        });
    }

    private static void closeOutput(SecureStream phys) {
        try {
            phys.output().close();
        } catch (IOException ignored) {
            // the session is failing; its listener reports it
        }
    }
}
