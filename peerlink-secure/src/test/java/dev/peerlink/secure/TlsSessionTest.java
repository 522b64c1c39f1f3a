package dev.peerlink.secure;

/** The contract over TLS 1.3 + mux (TCP path), with the preferred engine (BoringSSL on linux-x86_64). */
class TlsSessionTest extends SecureSessionContract {
    @Override
    Harness newHarness() {
        return new Harness.Tls();
    }
}
