package dev.peerlink.server.transfer;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.transfer.client.TransferClient;
import dev.peerlink.transfer.client.TransferCredentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Real servers on loopback for transfer tests: a central tier and a private tier pointing at it, SQLite + file blobs. */
final class TransferBed implements AutoCloseable {
    static final String SECRET = "tier-secret-for-tests";

    final Path dir;
    SignalServer central;
    SignalServer home;
    private int centralPort;

    TransferBed(Path dir) {
        this.dir = dir;
    }

    TransferBed start() throws IOException, InterruptedException {
        startCentral(0, TransferConfig.Tier.CENTRAL);
        home = SignalServer.start(base(0, dir.resolve("private"))
                .transfer(config(dir.resolve("private")).withTier(TransferConfig.Tier.PRIVATE, Optional.of(central.transferUrl()),
                        Optional.of(SECRET), Optional.of("home")))
                .build(), List.of(), id -> Optional.empty());
        return this;
    }

    void startCentral(int port, TransferConfig.Tier tier) throws IOException, InterruptedException {
        central = SignalServer.start(base(port, dir.resolve("central"))
                .transfer(config(dir.resolve("central")).withTier(TransferConfig.Tier.CENTRAL, Optional.empty(), Optional.of(SECRET),
                        Optional.empty()))
                .build(), List.of(), id -> Optional.empty());
        centralPort = central.address().getPort();
    }

    /** Stops the central server and starts it again on the same port and data. */
    void restartCentral() throws IOException, InterruptedException {
        central.close();
        startCentral(centralPort, TransferConfig.Tier.CENTRAL);
    }

    static TransferConfig config(Path d) {
        return TransferConfig.central(TransferConfig.Storage.inDir(d.resolve("transfer"))).withDeliveryRetry(Duration.ofMillis(500));
    }

    private static SignalServerConfig.Builder base(int port, Path d) {
        return SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", port)).dataDir(d).mappingMonitor(null);
    }

    URI centralUrl() {
        return URI.create(central.transferUrl());
    }

    URI homeUrl() {
        return URI.create(home.transferUrl());
    }

    /** Number of chunk blobs a tier stores. */
    static long blobCount(SignalServer s, Path tierDir) throws IOException {
        Path blobs = tierDir.resolve("transfer").resolve("blobs");
        if (!Files.exists(blobs)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(blobs)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.getParent().getFileName().toString().equals("tmp")).count();
        }
    }

    static TransferCredentials.Device device(String id) {
        try {
            KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return new TransferCredentials.Device(new DeviceId(id), Ed25519.encodePublicKey(kp.getPublic()), kp.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static TransferClient client(URI url, TransferCredentials c) throws IOException {
        return TransferClient.connect(url, c, TransferClient.Options.defaults().withRetryFor(Duration.ofSeconds(30)));
    }

    @Override
    public void close() {
        if (home != null) {
            home.close();
        }
        if (central != null) {
            central.close();
        }
    }
}
