package dev.peerlink.turn.client;

import dev.peerlink.turn.client.fixture.CoturnLauncher;
import dev.peerlink.turn.client.fixture.TurnServerLauncher;

/** The TURN client contract against coturn's turnserver on loopback. */
class CoturnTurnClientSystemTest extends TurnClientContract {
    @Override
    TurnServerLauncher launcher() {
        return new CoturnLauncher();
    }
}
