package dev.peerlink.server.signal.internal;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.PeerRef;

/**
 * One brokered session. When its two devices are on different instances both hold a record: the initiator's
 * instance the original, the target's a {@code mirror}; {@code peerInstance} names the other one, so answers and
 * signals are validated where they arrive and forwarded without a presence lookup.
 */
final class Session {
    final String id;
    final PeerRef initiatorRef;
    final DeviceId initiator;
    final DeviceId target;
    final String connectRid;
    final JsonBlob offer;
    final long answerDeadline;
    final String peerInstance;
    final boolean mirror;
    boolean answered;
    /** The initiator's ladder report was counted (one per session). */
    boolean reported;
    long lastActivity;

    Session(String id, PeerRef initiatorRef, DeviceId target, String connectRid, JsonBlob offer, long now, long answerDeadline,
            String peerInstance, boolean mirror) {
        this.id = id;
        this.initiatorRef = initiatorRef;
        this.initiator = initiatorRef.deviceId();
        this.target = target;
        this.connectRid = connectRid;
        this.offer = offer;
        this.lastActivity = now;
        this.answerDeadline = answerDeadline;
        this.peerInstance = peerInstance;
        this.mirror = mirror;
    }

    DeviceId other(DeviceId me) {
        return me.equals(initiator) ? target : me.equals(target) ? initiator : null;
    }
}
