package dev.peerlink.peer.internal.stream;

import dev.peerlink.peer.internal.stream.StreamFramingException.Reason;
import java.util.TreeMap;

/**
 * Orders the segments of one direction of a logical stream: segment k+1 may arrive (on any session) before, while or
 * after segment k is read; it is read only after segment k ended with MOVED. Pure bookkeeping; the caller
 * synchronises.
 *
 * @param <T> what a segment is (a physical stream and its session)
 */
public final class SegmentQueue<T> {
    private final TreeMap<Integer, T> waiting = new TreeMap<>();
    /** The segment number the next segment to read must have. */
    private int next;
    private boolean reading;
    private boolean ended;

    /**
     * A segment arrived. Returns it if it is the next to read now (the caller starts reading it), else null (kept).
     */
    public T arrived(int segment, T s) throws StreamFramingException {
        if (ended) {
            throw new StreamFramingException(Reason.SEGMENT_ORDER, "segment " + segment + " after the direction ended");
        }
        if (segment < next || waiting.containsKey(segment) || (reading && segment == next - 1)) {
            throw new StreamFramingException(Reason.SEGMENT_ORDER, "segment " + segment + " repeated or out of order (next " + next + ")");
        }
        if (!reading && segment == next) {
            reading = true;
            next++;
            return s;
        }
        waiting.put(segment, s);
        return null;
    }

    /** The segment being read ended with MOVED: returns the next one if it already arrived (reading goes on). */
    public T moved() {
        T s = waiting.remove(next);
        if (s == null) {
            reading = false;
            return null;
        }
        next++;
        return s;
    }

    /** The direction ended (END, RESET or failure): returns segments that arrived early, to be discarded. */
    public java.util.Collection<T> end() {
        ended = true;
        reading = false;
        var rest = new java.util.ArrayList<>(waiting.values());
        waiting.clear();
        return rest;
    }

    public boolean isEnded() {
        return ended;
    }

    /** Segments that arrived and wait for their turn. */
    public int waiting() {
        return waiting.size();
    }
}
