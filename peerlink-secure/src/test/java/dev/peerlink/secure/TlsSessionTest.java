package dev.peerlink.secure;

/** The contract over TLS 1.3 + mux (TCP path). */
class TlsSessionTest extends SecureSessionContract {
    @Override
    Harness newHarness() {
        return new Harness.Tls();
    }
}
