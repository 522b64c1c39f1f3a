package dev.peerlink.secure;

import dev.peerlink.secure.internal.TlsEngines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract over TLS 1.3 + mux with the JDK's TLS, the fallback where BoringSSL does not load. */
class TlsJdkSessionTest extends SecureSessionContract {
    @BeforeAll
    static void forceJdk() {
        System.setProperty(TlsEngines.ENGINE_PROPERTY, "jdk");
    }

    @AfterAll
    static void restore() {
        System.clearProperty(TlsEngines.ENGINE_PROPERTY);
    }

    @Override
    Harness newHarness() {
        return new Harness.Tls();
    }
}
