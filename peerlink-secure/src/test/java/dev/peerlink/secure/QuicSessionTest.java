package dev.peerlink.secure;

/** The contract over QUIC (UDP path). */
class QuicSessionTest extends SecureSessionContract {
    @Override
    Harness newHarness() {
        return new Harness.Quic();
    }
}
