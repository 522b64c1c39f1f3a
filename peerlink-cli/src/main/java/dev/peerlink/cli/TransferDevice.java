package dev.peerlink.cli;

import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.HttpProxy;
import dev.peerlink.transfer.client.TransferClient;
import dev.peerlink.transfer.client.TransferCredentials;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Who sends or receives (the device's key, as for peer/connect) and which server's transfer endpoint. */
final class TransferDevice {
    @Option(names = "--id", paramLabel = "ID", required = true, description = "This device's id ([A-Za-z0-9._-], 1-64).")
    String id;

    @Option(names = "--server", paramLabel = "HOST:PORT[,...]", required = true,
            description = {"The device's server: HOST:PORT (ws://HOST:PORT/v1/transfer), or a ws:// or wss:// URL. Of a",
                    "comma-separated list, transfers use the first (content waits on one server)."})
    String server;

    @Option(names = "--home", paramLabel = "DIR", description = "Key directory (default: ~/.peerlink/<id>).")
    Path home;

    @Option(names = "--proxy", paramLabel = "URL", converter = ProxyConverter.class,
            description = "Reach the server through this HTTP CONNECT proxy: http://[USER:PASSWORD@]HOST:PORT "
                    + "(default: HTTPS_PROXY / HTTP_PROXY, minus NO_PROXY).")
    HttpProxy proxy;

    @Option(names = "--retry-for", paramLabel = "SECONDS", defaultValue = "60",
            description = "Keep reconnecting and resuming this long after a dropped connection (default: ${DEFAULT-VALUE}).")
    long retryForSeconds;

    TransferCredentials.Device credentials() throws IOException {
        if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("--id must be 1-64 characters of [A-Za-z0-9._-]");
        }
        DeviceId deviceId = DeviceId.of(id);
        DeviceIdentity identity = DeviceIdentity.loadOrCreate(deviceId, home != null ? home : DeviceIdentity.defaultHome(deviceId));
        return new TransferCredentials.Device(deviceId, identity.publicKeyText(), identity.privateKey());
    }

    TransferClient connect(URI url) throws IOException {
        return TransferClient.connect(url, credentials(), TransferClient.Options.defaults()
                .withRetryFor(Duration.ofSeconds(retryForSeconds)).withProxy(proxy));
    }

    URI url() {
        return TransferClient.endpoint(server.split(",", 2)[0].trim());
    }
}
