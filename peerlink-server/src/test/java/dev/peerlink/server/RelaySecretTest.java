package dev.peerlink.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.client.TurnAllocation;
import dev.peerlink.turn.client.TurnClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A generated relay secret is kept in the data directory (credentials survive a restart) and never logged. */
class RelaySecretTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();
    @TempDir
    Path dir;

    PeerlinkServer start() throws Exception {
        return PeerlinkServer.start(new PeerlinkServerConfig(new InetSocketAddress(LO, 0), Optional.empty(),
                Optional.of(new PeerlinkServerConfig.Relay(new InetSocketAddress(LO, 0), Optional.of(LO), "peerlink",
                        Optional.empty(), List.of())), Optional.empty(), Optional.empty()).withDataDir(dir));
    }

    @Test
    void credentialsFromTheFirstRunAllocateOnTheSecondAndTheSecretStaysOutOfTheLog() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        try {
            TurnCredentials fromFirstRun;
            try (PeerlinkServer first = start()) {
                fromFirstRun = first.relayCredentials("device-a", Duration.ofHours(1)).orElseThrow();
            }
            Path file = dir.resolve(PeerlinkServer.RELAY_SECRET_FILE);
            String secret = Files.readString(file).strip();
            assertThat(secret).hasSizeGreaterThanOrEqualTo(32);
            assertThat(Files.getPosixFilePermissions(file))
                    .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

            try (PeerlinkServer second = start();
                 TurnClient client = TurnClient.builder(second.relay().orElseThrow().udpAddress(), fromFirstRun).connect()) {
                TurnAllocation a = client.allocate();
                assertThat(a.relayedAddress().getPort()).isPositive();
            }
            assertThat(Files.readString(file).strip()).isEqualTo(secret);

            List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("TURN relay: secret in").contains("fingerprint"));
            assertThat(lines).noneSatisfy(l -> assertThat(l).contains(secret));
            assertThat(lines).noneSatisfy(l -> assertThat(l).contains(fromFirstRun.password()));
        } finally {
            root.detachAppender(log);
        }
    }
}
