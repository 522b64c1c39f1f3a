package dev.peerlink.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.peerlink.protocol.Aliases;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.ErrorCode;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.protocol.Offer;
import dev.peerlink.protocol.RelayGrant;
import dev.peerlink.protocol.SignallingCodec;
import dev.peerlink.server.PeerlinkServer;
import dev.peerlink.server.PeerlinkServerConfig;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignallingTest {
    static final SignallingCodec CODEC = SignallingCodec.standard();
    final List<AutoCloseable> toClose = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    SignalServer server(SignalServerConfig.Builder b) throws Exception {
        SignalServer s = SignalServer.start(b.listen(new InetSocketAddress("127.0.0.1", 0)).build(), List.of("127.0.0.1:3478"),
                id -> Optional.of(new RelayGrant(List.of("127.0.0.1:3479"), "u-" + id, "p", 60)));
        toClose.add(s);
        return s;
    }

    SignalServer server() throws Exception {
        return server(SignalServerConfig.builder());
    }

    SignallingClient client(SignalServer s, String id) {
        return client(s, DeviceIdentity.ephemeral(DeviceId.of(id)), Aliases.NONE, null);
    }

    SignallingClient client(SignalServer s, DeviceIdentity identity, Aliases aliases, String token) {
        SignallingClient c = SignallingClient.builder().server(URI.create(s.url())).identity(identity).aliases(aliases)
                .enrollToken(token).backoff(Duration.ofMillis(50), Duration.ofMillis(400)).requestTimeout(Duration.ofSeconds(5)).build();
        toClose.add(c);
        return c;
    }

    SignallingClient registered(SignalServer s, String id) throws Exception {
        SignallingClient c = client(s, id);
        c.start().get(5, TimeUnit.SECONDS);
        return c;
    }

    static String code(Throwable e) {
        Throwable t = e instanceof ExecutionException ? e.getCause() : e;
        return ((SignallingException) t).code();
    }

    static <T> String failure(CompletableFuture<T> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return code(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected failure");
    }

    @Test
    void registeredAnswerNamesStunAndRelayWithCredentials() throws Exception {
        PeerlinkServerConfig cfg = new PeerlinkServerConfig(new InetSocketAddress("127.0.0.1", 0), Optional.empty(),
                Optional.of(new PeerlinkServerConfig.Relay(new InetSocketAddress("127.0.0.1", 0), Optional.empty(), "peerlink",
                        Optional.of("secret"), List.of())),
                Optional.of(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).build()), Optional.empty());
        PeerlinkServer ps = PeerlinkServer.start(cfg);
        toClose.add(ps);
        SignallingClient c = client(ps.signal().orElseThrow(), "dev-1");
        Message.Registered r = c.start().get(5, TimeUnit.SECONDS);
        assertThat(r.deviceId()).isEqualTo(DeviceId.of("dev-1"));
        assertThat(r.stun()).containsExactly("127.0.0.1:" + ps.stun().udpAddresses().get(0).getPort());
        assertThat(r.relay().urls()).containsExactly("127.0.0.1:" + ps.relay().orElseThrow().udpAddress().getPort());
        assertThat(r.relay().streamUrls()).as("no TLS listener configured: TCP only")
                .containsExactly("turn:127.0.0.1:" + ps.relay().orElseThrow().tcpAddress().getPort() + "?transport=tcp");
        assertThat(r.relay().username()).endsWith(":dev-1");
        assertThat(r.relay().password()).isEqualTo(dev.peerlink.turn.TurnCredentials.restPassword("secret", r.relay().username()));
        assertThat(r.heartbeatMs()).isEqualTo(60_000);
        assertThat(c.state()).isEqualTo(SignallingClient.State.REGISTERED);
    }

    @Test
    void trustOnFirstUseRefusesAnotherKeyForTheSameId() throws Exception {
        SignalServer s = server();
        registered(s, "pc");
        SignallingClient impostor = client(s, "pc");
        assertThat(failure(impostor.start())).isEqualTo(ErrorCode.KEY_MISMATCH);
        assertThat(impostor.state()).isEqualTo(SignallingClient.State.FAILED);
    }

    @Test
    void sameKeyReconnectsAndReplacesTheOldConnection() throws Exception {
        SignalServer s = server();
        DeviceIdentity id = DeviceIdentity.ephemeral(DeviceId.of("pc"));
        SignallingClient first = client(s, id, Aliases.NONE, null);
        first.start().get(5, TimeUnit.SECONDS);
        SignallingClient second = client(s, id, Aliases.NONE, null);
        second.start().get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> first.state() == SignallingClient.State.FAILED);
        assertThat(s.onlineDevices()).isEqualTo(1);
    }

    @Test
    void enrollTokenGatesFirstRegistrationOnly() throws Exception {
        SignalServer s = server(SignalServerConfig.builder().enrollToken("s3cret"));
        DeviceIdentity id = DeviceIdentity.ephemeral(DeviceId.of("nas"));
        assertThat(failure(client(s, id, Aliases.NONE, null).start())).isEqualTo(ErrorCode.ENROLL_REQUIRED);
        assertThat(failure(client(s, id, Aliases.NONE, "wrong").start())).isEqualTo(ErrorCode.ENROLL_REQUIRED);
        SignallingClient ok = client(s, id, Aliases.NONE, "s3cret");
        ok.start().get(5, TimeUnit.SECONDS);
        ok.close();
        client(s, id, Aliases.NONE, null).start().get(5, TimeUnit.SECONDS); // known device: no token needed
    }

    @Test
    void aliasesAreUniqueAndEveryIdentityKindResolves() throws Exception {
        SignalServer s = server();
        SignallingClient a = client(s, DeviceIdentity.ephemeral(DeviceId.of("phone")), new Aliases("42", "AA-BB-CC-DD-EE-FF", "alice"), null);
        a.start().get(5, TimeUnit.SECONDS);
        a.onIncoming(r -> r.accept(JsonBlob.EMPTY));
        assertThat(failure(client(s, DeviceIdentity.ephemeral(DeviceId.of("other")), new Aliases(null, null, "alice"), null).start()))
                .isEqualTo(ErrorCode.ALIAS_TAKEN);
        assertThat(failure(client(s, DeviceIdentity.ephemeral(DeviceId.of("other2")), new Aliases(null, "aabb.ccdd.eeff", null), null).start()))
                .isEqualTo(ErrorCode.ALIAS_TAKEN);
        SignallingClient b = registered(s, "pc");
        for (Identity target : List.of(Identity.device("phone"), Identity.user("42"), Identity.mac("aa:bb:cc:dd:ee:ff"),
                Identity.mac("AABBCCDDEEFF"), Identity.username("alice"))) {
            Brokered r = b.connect(target, JsonBlob.EMPTY).get(5, TimeUnit.SECONDS);
            assertThat(r.accepted()).as(target.toString()).isTrue();
            assertThat(r.peer().deviceId()).isEqualTo(DeviceId.of("phone"));
        }
    }

    @Test
    void brokeringOnlineOfflineUnknownAndRefused() throws Exception {
        SignalServer s = server();
        SignallingClient a = registered(s, "a");
        DeviceIdentity bId = DeviceIdentity.ephemeral(DeviceId.of("b"));
        SignallingClient b = client(s, bId, Aliases.NONE, null);
        b.start().get(5, TimeUnit.SECONDS);
        List<IncomingRequest> seen = new CopyOnWriteArrayList<>();
        b.onIncoming(r -> {
            seen.add(r);
            Offer o;
            try {
                o = Offer.from(r.offer());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            if (o.paths().contains("refuse")) {
                r.reject("busy");
            } else {
                r.accept(new Offer(NetworkInfo.EMPTY, null, List.of("direct")).toBlob());
            }
        });
        Offer offer = new Offer(new NetworkInfo(List.of(new InetSocketAddress("192.168.1.2", 7000)), null, null, null, List.of()),
                new InetSocketAddress("192.168.1.2", 7001), List.of("lan", "reverse"));
        Brokered r = a.connect(Identity.device("b"), offer.toBlob()).get(5, TimeUnit.SECONDS);
        assertThat(r.accepted()).isTrue();
        assertThat(r.peer().publicKey()).isEqualTo(bId.publicKeyText());
        assertThat(Offer.from(r.answer()).paths()).containsExactly("direct");
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).from().deviceId()).isEqualTo(DeviceId.of("a"));
        assertThat(Offer.from(seen.get(0).offer())).isEqualTo(offer);

        Brokered refused = a.connect(Identity.device("b"), new Offer(null, null, List.of("refuse")).toBlob()).get(5, TimeUnit.SECONDS);
        assertThat(refused.accepted()).isFalse();
        assertThat(refused.reason()).isEqualTo("busy");

        assertThat(failure(a.connect(Identity.device("nobody"), JsonBlob.EMPTY))).isEqualTo(ErrorCode.UNKNOWN_TARGET);
        assertThat(failure(a.connect(Identity.user("nobody"), JsonBlob.EMPTY))).isEqualTo(ErrorCode.UNKNOWN_TARGET);
        assertThat(failure(a.connect(Identity.device("a"), JsonBlob.EMPTY))).isEqualTo(ErrorCode.SELF);
        b.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> s.onlineDevices() == 1);
        assertThat(failure(a.connect(Identity.device("b"), JsonBlob.EMPTY))).isEqualTo(ErrorCode.OFFLINE);
    }


    @Test
    void unansweredConnectTimesOut() throws Exception {
        SignalServer s = server(SignalServerConfig.builder().answerTimeout(Duration.ofMillis(300)));
        SignallingClient a = registered(s, "a");
        SignallingClient b = registered(s, "b");
        b.onIncoming(r -> {});
        assertThat(failure(a.connect(Identity.device("b"), JsonBlob.EMPTY))).isEqualTo(ErrorCode.TIMEOUT);
        await().atMost(Duration.ofSeconds(5)).until(() -> s.liveSessions() == 0);
    }

    @Test
    void signalsAreRelayedOnlyWithinTheSession() throws Exception {
        SignalServer s = server();
        SignallingClient a = registered(s, "a");
        SignallingClient b = registered(s, "b");
        SignallingClient c = registered(s, "c");
        b.onIncoming(r -> r.accept(JsonBlob.EMPTY));
        List<Message.Signal> atB = new CopyOnWriteArrayList<>();
        List<Message.Signal> atA = new CopyOnWriteArrayList<>();
        List<Message.Signal> atC = new CopyOnWriteArrayList<>();
        b.onSignal(atB::add);
        a.onSignal(atA::add);
        c.onSignal(atC::add);
        String session = a.connect(Identity.device("b"), JsonBlob.EMPTY).get(5, TimeUnit.SECONDS).session();

        a.signal(session, DeviceId.of("b"), JsonBlob.parse("{\"punch\":{\"at\":123}}")).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> atB.size() == 1);
        assertThat(atB.get(0).from()).isEqualTo(DeviceId.of("a"));
        assertThat(atB.get(0).data().json()).isEqualTo("{\"punch\":{\"at\":123}}");
        b.signal(session, DeviceId.of("a"), JsonBlob.EMPTY).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> atA.size() == 1);

        assertThat(failure(c.signal(session, DeviceId.of("a"), JsonBlob.EMPTY))).as("outsider").isEqualTo(ErrorCode.NO_SESSION);
        assertThat(failure(c.signal(session, DeviceId.of("b"), JsonBlob.EMPTY))).as("outsider").isEqualTo(ErrorCode.NO_SESSION);
        assertThat(failure(a.signal(session, DeviceId.of("c"), JsonBlob.EMPTY))).as("wrong peer").isEqualTo(ErrorCode.NO_SESSION);
        assertThat(failure(a.signal("no-such-session", DeviceId.of("b"), JsonBlob.EMPTY))).isEqualTo(ErrorCode.NO_SESSION);
        assertThat(atC).isEmpty();
        assertThat(atB).hasSize(1);
    }

    @Test
    void pendingPullListsWaitingInitiatorsAndAnswersThem() throws Exception {
        SignalServer s = server();
        SignallingClient a = registered(s, "a");
        SignallingClient b = registered(s, "b");
        b.onIncoming(r -> {}); // b works in pull mode: ignores pushes
        Offer offer = new Offer(NetworkInfo.EMPTY, new InetSocketAddress("198.51.100.7", 4000), List.of("reverse"));
        CompletableFuture<Brokered> waiting = a.connect(Identity.device("b"), offer.toBlob());
        await().atMost(Duration.ofSeconds(5)).until(() -> b.pending().get(5, TimeUnit.SECONDS).size() == 1);
        IncomingRequest item = b.pending().get(5, TimeUnit.SECONDS).get(0);
        assertThat(item.from().deviceId()).isEqualTo(DeviceId.of("a"));
        assertThat(Offer.from(item.offer()).reverseTcp()).isEqualTo(new InetSocketAddress("198.51.100.7", 4000));
        item.accept(JsonBlob.EMPTY).get(5, TimeUnit.SECONDS);
        assertThat(waiting.get(5, TimeUnit.SECONDS).accepted()).isTrue();
        assertThat(b.pending().get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(a.pending().get(5, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void registrySurvivesARestart() throws Exception {
        Path data = tmp.resolve("data");
        DeviceIdentity pc = DeviceIdentity.ephemeral(DeviceId.of("pc"));
        SignalServer first = server(SignalServerConfig.builder().dataDir(data));
        SignallingClient c = client(first, pc, new Aliases(null, null, "bob"), null);
        c.start().get(5, TimeUnit.SECONDS);
        c.close();
        first.close();

        SignalServer second = server(SignalServerConfig.builder().dataDir(data));
        assertThat(second.registeredDevices()).isEqualTo(1);
        client(second, pc, new Aliases(null, null, "bob"), null).start().get(5, TimeUnit.SECONDS);
        assertThat(failure(client(second, "pc").start())).isEqualTo(ErrorCode.KEY_MISMATCH);
        assertThat(failure(client(second, DeviceIdentity.ephemeral(DeviceId.of("eve")), new Aliases(null, null, "bob"), null).start()))
                .isEqualTo(ErrorCode.ALIAS_TAKEN);
        SignallingClient other = registered(second, "other");
        Brokered viaAlias = other.connect(Identity.username("bob"), JsonBlob.EMPTY).get(5, TimeUnit.SECONDS);
        assertThat(viaAlias.peer().deviceId()).as("the persisted alias resolves").isEqualTo(DeviceId.of("pc"));
        assertThat(viaAlias.peer().publicKey()).isEqualTo(pc.publicKeyText());
        assertThat(viaAlias.accepted()).as("pc has no incoming handler").isFalse();
    }

    @Test
    void clientReconnectsAfterServerRestart() throws Exception {
        Path data = tmp.resolve("data");
        SignalServer first = server(SignalServerConfig.builder().dataDir(data));
        int port = first.address().getPort();
        SignallingClient c = registered(first, "pc");
        first.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> c.state() != SignallingClient.State.REGISTERED);
        SignalServer second = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", port))
                .dataDir(data).build(), List.of(), id -> Optional.empty());
        toClose.add(second);
        await().atMost(Duration.ofSeconds(10)).until(() -> c.state() == SignallingClient.State.REGISTERED);
        assertThat(second.onlineDevices()).isEqualTo(1);
    }

    @Test
    void silentConnectionsExpireAndHeartbeatsKeepClientsAlive() throws Exception {
        SignalServer s = server(SignalServerConfig.builder().heartbeat(Duration.ofMillis(200)).missedHeartbeats(2));
        SignallingClient live = registered(s, "live");
        assertThat(live.registration().heartbeatMs()).isEqualTo(200);
        try (RawSocket raw = new RawSocket(URI.create(s.url()))) {
            registerRaw(raw, DeviceIdentity.ephemeral(DeviceId.of("silent")));
            assertThat(s.onlineDevices()).isEqualTo(2);
            raw.closed.get(5, TimeUnit.SECONDS); // closed after ~400 ms of silence
            await().atMost(Duration.ofSeconds(5)).until(() -> s.onlineDevices() == 1);
        }
        // the SDK client has pinged throughout and is still the one online
        assertThat(live.state()).isEqualTo(SignallingClient.State.REGISTERED);
    }

    @Test
    void badSignatureIsRefusedAndClosed() throws Exception {
        SignalServer s = server();
        try (RawSocket raw = new RawSocket(URI.create(s.url()))) {
            Message.Challenge ch = (Message.Challenge) CODEC.decode(raw.next());
            DeviceIdentity id = DeviceIdentity.ephemeral(DeviceId.of("x"));
            byte[] otherNonce = new byte[32];
            String sig = Ed25519.signRegistration(id.privateKey(), otherNonce, id.deviceId());
            raw.send(CODEC.encode(new Message.Register("r", id.deviceId(), id.publicKeyText(), sig, Aliases.NONE, null, NetworkInfo.EMPTY)));
            Message.Error e = (Message.Error) CODEC.decode(raw.next());
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
            assertThat(e.rid()).isEqualTo("r");
            raw.closed.get(5, TimeUnit.SECONDS);
            assertThat(ch.serverId()).startsWith("peerlink-");
        }
        assertThat(s.registeredDevices()).isZero();
    }

    @Test
    void requestsBeforeRegistrationAreRefused() throws Exception {
        SignalServer s = server();
        try (RawSocket raw = new RawSocket(URI.create(s.url()))) {
            raw.next();
            raw.send("{\"v\":1,\"type\":\"connect\",\"rid\":\"c1\",\"target\":{\"device\":\"b\"},\"session\":\"abcdefghij\"}");
            Message.Error e = (Message.Error) CODEC.decode(raw.next());
            assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED);
            raw.send("{\"v\":1,\"type\":\"ping\",\"rid\":\"p\"}");
            assertThat(CODEC.decode(raw.next())).isInstanceOf(Message.Pong.class);
            raw.send("{\"v\":1,\"type\":\"teleport\",\"rid\":\"t\"}");
            Message.Error unknown = (Message.Error) CODEC.decode(raw.next());
            assertThat(unknown.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
            assertThat(unknown.rid()).isEqualTo("t");
            raw.send("{\"v\":9,\"type\":\"ping\"}");
            assertThat(((Message.Error) CODEC.decode(raw.next())).code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
            raw.closed.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void hostileClientsAreClosedAndTheServerSurvives() throws Exception {
        SignalServer s = server(SignalServerConfig.builder().limits(new SignalServerConfig.Limits(64 * 1024, 20, 40, 100, 4, 5)));
        // garbage: errors, then closed after the limit
        try (RawSocket raw = new RawSocket(URI.create(s.url()))) {
            raw.next();
            for (int i = 0; i < 6; i++) {
                raw.send("\u0000garbage{" + i);
            }
            assertThat(((Message.Error) CODEC.decode(raw.next())).code()).isEqualTo(ErrorCode.MALFORMED);
            raw.closed.get(5, TimeUnit.SECONDS);
        }
        // a frame over 64 KiB: closed (1009)
        try (RawSocket raw = new RawSocket(URI.create(s.url()))) {
            raw.next();
            raw.trySend("{\"v\":1,\"type\":\"ping\",\"rid\":\"big\",\"x\":\"" + "a".repeat(100_000) + "\"}");
            raw.closed.get(5, TimeUnit.SECONDS);
            assertThat(raw.received).noneMatch(t -> t.contains("pong"));
        }
        // binary frames: closed
        try (RawSocket raw = new RawSocket(URI.create(s.url()))) {
            raw.next();
            raw.sendBinary(new byte[] {1, 2, 3});
            raw.closed.get(5, TimeUnit.SECONDS);
        }
        // a flood of valid pings: rate limited, closed
        try (RawSocket raw = new RawSocket(URI.create(s.url()))) {
            raw.next();
            for (int i = 0; i < 200 && !raw.closed.isDone(); i++) {
                raw.trySend("{\"v\":1,\"type\":\"ping\"}").exceptionally(e -> null).join();
            }
            raw.closed.get(5, TimeUnit.SECONDS);
            assertThat(raw.received).anyMatch(t -> t.contains(ErrorCode.RATE_LIMITED));
        }
        // a connection that never registers is closed
        // and the server still serves well-behaved devices
        SignallingClient a = registered(s, "a");
        SignallingClient b = registered(s, "b");
        b.onIncoming(r -> r.accept(JsonBlob.EMPTY));
        assertThat(a.connect(Identity.device("b"), JsonBlob.EMPTY).get(5, TimeUnit.SECONDS).accepted()).isTrue();
    }

    @Test
    void registrationsPerIpAreLimited() throws Exception {
        SignalServer s = server(SignalServerConfig.builder().limits(new SignalServerConfig.Limits(64 * 1024, 20, 40, 3, 4, 5)));
        for (int i = 0; i < 3; i++) {
            registered(s, "d" + i);
        }
        try (RawSocket raw = new RawSocket(URI.create(s.url()))) {
            DeviceIdentity id = DeviceIdentity.ephemeral(DeviceId.of("d9"));
            Message.Challenge ch = (Message.Challenge) CODEC.decode(raw.next());
            String sig = Ed25519.signRegistration(id.privateKey(), Ed25519.unb64(ch.nonce()), id.deviceId());
            raw.send(CODEC.encode(new Message.Register("r", id.deviceId(), id.publicKeyText(), sig, Aliases.NONE, null, NetworkInfo.EMPTY)));
            assertThat(((Message.Error) CODEC.decode(raw.next())).code()).isEqualTo(ErrorCode.RATE_LIMITED);
            raw.closed.get(5, TimeUnit.SECONDS);
        }
        assertThat(s.registeredDevices()).isEqualTo(3);
    }

    @Test
    void sessionsPerDeviceAreLimited() throws Exception {
        SignalServer s = server(SignalServerConfig.builder().limits(new SignalServerConfig.Limits(64 * 1024, 50, 100, 100, 2, 10)));
        SignallingClient a = registered(s, "a");
        SignallingClient b = registered(s, "b");
        b.onIncoming(r -> {});
        a.connect(Identity.device("b"), JsonBlob.EMPTY);
        a.connect(Identity.device("b"), JsonBlob.EMPTY);
        await().atMost(Duration.ofSeconds(5)).until(() -> s.liveSessions() == 2);
        assertThat(failure(a.connect(Identity.device("b"), JsonBlob.EMPTY))).isEqualTo(ErrorCode.TOO_MANY_SESSIONS);
    }

    @Test
    void unregisteredConnectionsAreClosed() throws Exception {
        SignalServer s = server(SignalServerConfig.builder().registerTimeout(Duration.ofMillis(300)));
        try (RawSocket raw = new RawSocket(URI.create(s.url()))) {
            raw.next();
            raw.closed.get(5, TimeUnit.SECONDS);
        }
    }

    static void registerRaw(RawSocket raw, DeviceIdentity id) throws Exception {
        Message.Challenge ch = (Message.Challenge) CODEC.decode(raw.next());
        String sig = Ed25519.signRegistration(id.privateKey(), Ed25519.unb64(ch.nonce()), id.deviceId());
        raw.send(CODEC.encode(new Message.Register("r", id.deviceId(), id.publicKeyText(), sig, Aliases.NONE, null, NetworkInfo.EMPTY)));
        assertThat(CODEC.decode(raw.next())).isInstanceOf(Message.Registered.class);
    }

    @Test
    void deviceKeyIsCreatedOncePrivatelyAndReloaded() throws Exception {
        Path home = tmp.resolve("home").resolve("pc");
        DeviceIdentity first = DeviceIdentity.loadOrCreate(DeviceId.of("pc"), home);
        DeviceIdentity again = DeviceIdentity.loadOrCreate(DeviceId.of("pc"), home);
        assertThat(again.publicKeyText()).isEqualTo(first.publicKeyText());
        assertThat(again.privateKey().getEncoded()).isEqualTo(first.privateKey().getEncoded());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(DeviceIdentity.PRIVATE_KEY_FILE))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home))).isEqualTo("rwx------");
        assertThat(Files.readString(home.resolve(DeviceIdentity.PRIVATE_KEY_FILE))).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void peerFacadeRegistersWithItsStoredKeyAndAnnouncesItsNetwork() throws Exception {
        SignalServer s = server();
        Path home = tmp.resolve("peer-home");
        Peer p = Peer.builder().id("pc").server(s.url()).home(home).discovery(false).listenPort(7001)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(400)).build();
        toClose.add(p);
        p.start().get(5, TimeUnit.SECONDS);
        assertThat(p.network().listen().tcp()).isEqualTo(7001);
        p.close();
        Peer again = Peer.builder().id("pc").server(URI.create(s.url())).home(home).discovery(false).build();
        toClose.add(again);
        again.start().get(5, TimeUnit.SECONDS); // same key from disk: TOFU accepts it
        Peer other = Peer.builder().id("laptop").server(s.url()).home(tmp.resolve("laptop")).discovery(false).build();
        toClose.add(other);
        other.start().get(5, TimeUnit.SECONDS);
        again.onIncoming(r -> r.accept(JsonBlob.EMPTY));
        Brokered b = other.broker(Identity.device("pc"), List.of("lan")).get(5, TimeUnit.SECONDS);
        assertThat(b.peer().publicKey()).isEqualTo(again.identity().publicKeyText());
    }

    @Test
    void discoveryEndsAtOnceWhenTheServerNamesNoStunServer() throws Exception {
        SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).build(),
                List.of(), id -> Optional.empty());
        toClose.add(s);
        Peer p = Peer.builder().id("pc").server(s.url()).home(tmp.resolve("pc")).backoff(Duration.ofMillis(50), Duration.ofMillis(400))
                .build();
        toClose.add(p);
        p.start().get(5, TimeUnit.SECONDS);
        // nothing to discover: no wait for a STUN answer that cannot come (the CLI waited 15 s for it before "ready")
        NetworkInfo n = p.discovered().get(5, TimeUnit.SECONDS);
        assertThat(n.nat()).isNull();
        assertThat(n.publicAddress()).isNull();
    }

    @Test
    void aStunServerThatNeverAnswersOverUdpMeansUdpBlocked() throws Exception {
        try (java.nio.channels.DatagramChannel silent = java.nio.channels.DatagramChannel.open()) {
            silent.bind(new InetSocketAddress(loopback(), 0)); // bound, never read: UDP dropped on the way
            String stun = "127.0.0.1:" + ((InetSocketAddress) silent.getLocalAddress()).getPort();
            SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).build(),
                    List.of(stun), id -> Optional.empty());
            toClose.add(s);
            Peer p = Peer.builder().id("pc").server(s.url()).home(tmp.resolve("pc")).backoff(Duration.ofMillis(50), Duration.ofMillis(400))
                    .build();
            toClose.add(p);
            p.start().get(5, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            NetworkInfo n = p.discovered().get(10, TimeUnit.SECONDS);
            System.out.printf("[udp-blocked] reported %d ms after registration (probe bound %d ms)%n",
                    (System.nanoTime() - t0) / 1_000_000, Peer.UDP_PROBE.toMillis());
            assertThat(n.nat().type()).isEqualTo("udp-blocked");
            assertThat(n.publicAddress()).isNull();
            // announced: the server's NAT mix counts it
            await().atMost(Duration.ofSeconds(5)).until(() -> s.natMix().getOrDefault("udp-blocked", 0) == 1);
        }
    }

    static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }
}
