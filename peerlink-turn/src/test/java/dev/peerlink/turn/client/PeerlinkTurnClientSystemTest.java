package dev.peerlink.turn.client;

import dev.peerlink.turn.client.fixture.PeerlinkLauncher;
import dev.peerlink.turn.client.fixture.TurnServerLauncher;

/** The TURN client contract against our own TURN server: both halves of the relay agree. */
class PeerlinkTurnClientSystemTest extends TurnClientContract {
    @Override
    TurnServerLauncher launcher() {
        return new PeerlinkLauncher();
    }
}
