package dev.peerlink.turn.server.internal;

import java.util.List;

/** Flushes the relayed sockets written during one read batch. */
final class Flushing {
    private Flushing() {}

    static void flushRelays(List<Allocation> dirty) {
        for (int i = 0; i < dirty.size(); i++) {
            Allocation a = dirty.get(i);
            a.relayDirty = false;
            if (a.relay != null) {
                a.run.drain(a.relay);
                a.relay.flush();
            }
            if (a.relay2 != null) {
                a.run2.drain(a.relay2);
                a.relay2.flush();
            }
        }
        dirty.clear();
    }
}
