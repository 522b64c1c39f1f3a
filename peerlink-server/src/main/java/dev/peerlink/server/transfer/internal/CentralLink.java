package dev.peerlink.server.transfer.internal;

import dev.peerlink.transfer.ChunkingParams;
import dev.peerlink.transfer.Manifest;
import dev.peerlink.transfer.client.TransferClient;
import dev.peerlink.transfer.client.TransferCredentials;
import dev.peerlink.transfer.wire.TransferFrame;
import dev.peerlink.transfer.wire.TransferProtocolException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private tier's authenticated connection to its central server (mutual HMAC proof of the shared secret).
 * The private server asks the central server on a sender's behalf: offer (→ the central's challenge, which it
 * relays to the sender), prove (→ does the central hold every chunk the sender proved?), finish (the central
 * delivers) or cancel. Connects lazily and again after a drop; a central that does not answer within the request
 * timeout counts as a miss, so a dead central never blocks a send.
 */
final class CentralLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CentralLink.class);

    record Offered(String session, byte[] challenge) {}

    private final URI url;
    private final TransferCredentials.Tier credentials;
    private final TransferClient.Options options;
    private TransferClient client;

    CentralLink(String centralUrl, String tierId, String secret, int maxPayload) {
        this.url = TransferClient.endpoint(centralUrl);
        this.credentials = new TransferCredentials.Tier(tierId, secret.getBytes(StandardCharsets.UTF_8));
        this.options = new TransferClient.Options(Duration.ofSeconds(10), Duration.ZERO, 8 << 20, ChunkingParams.DEFAULT,
                Math.max(maxPayload, 32 << 20));
    }

    URI url() {
        return url;
    }

    private synchronized TransferClient client() throws IOException {
        if (client == null) {
            client = TransferClient.connect(url, credentials, options);
            LOG.info("tier link to central server {} ({})", url, client.welcome().serverId());
        }
        return client;
    }

    private TransferFrame request(TransferFrame f) throws IOException {
        try {
            return client().request(f);
        } catch (IOException e) {
            if (!(e instanceof dev.peerlink.transfer.client.TransferException)) {
                synchronized (this) {
                    if (client != null) {
                        client.close();
                        client = null;
                    }
                }
            }
            throw e;
        }
    }

    Offered offer(Manifest m, String target, String name, String sender) throws IOException {
        TransferFrame r = request(TransferFrame.of("offer").with("target", target).with("name", name).with("sender", sender)
                .payload(m.encode()));
        try {
            if (!r.type().equals("challenge")) {
                throw new IOException("central answered " + r.type() + " to an offer");
            }
            return new Offered(r.str("session"), r.payload());
        } catch (TransferProtocolException e) {
            throw new IOException("bad answer from central: " + e.getMessage());
        }
    }

    /** The chunks the central server still needs after checking the sender's proof (empty: it holds everything). */
    BitSet prove(String session, byte[] response) throws IOException {
        TransferFrame r = request(TransferFrame.of("prove").with("session", session).payload(response));
        if (!r.type().equals("plan")) {
            throw new IOException("central answered " + r.type() + " to a proof");
        }
        return BitSet.valueOf(r.payload());
    }

    /** Finishes a session the central server holds entirely: it creates the delivery. Returns its delivery id. */
    long finish(String session) throws IOException {
        TransferFrame r = request(TransferFrame.of("finish").with("session", session));
        try {
            return r.num("delivery", 0, Long.MAX_VALUE);
        } catch (TransferProtocolException e) {
            throw new IOException("bad answer from central: " + e.getMessage());
        }
    }

    void cancel(String session) {
        try {
            request(TransferFrame.of("cancel").with("session", session));
        } catch (IOException e) {
            LOG.debug("cancel of central session {} failed: {}", session, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
    }
}
