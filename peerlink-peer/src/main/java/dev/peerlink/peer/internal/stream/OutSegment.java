package dev.peerlink.peer.internal.stream;

import dev.peerlink.secure.SecureStream;

/** A physical stream we opened: one segment of one of our logical outputs (or a RESET/DRAIN notice). */
final class OutSegment {
    final PathSession path;
    final SecureStream phys;
    final int segment;
    /** We wrote its last chunk (END, MOVED or RESET) and closed our output. */
    volatile boolean endWritten;
    /** The peer closed its output: it read the segment to its end. */
    volatile boolean acked;

    OutSegment(PathSession path, SecureStream phys, int segment) {
        this.path = path;
        this.phys = phys;
        this.segment = segment;
    }

    /** A physical stream from the peer, waiting to be read as segment {@code segment} of a logical input. */
    record In(PathSession path, SecureStream phys, int segment) {
    }
}
