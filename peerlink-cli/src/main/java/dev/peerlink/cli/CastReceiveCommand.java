package dev.peerlink.cli;

import dev.peerlink.cast.CastEvent;
import dev.peerlink.cast.CastReceiver;
import dev.peerlink.cast.LiveReceiverMedia;
import dev.peerlink.cast.PlainCastServer;
import dev.peerlink.cast.media.FlvRecorder;
import dev.peerlink.cast.web.CastStatus;
import dev.peerlink.cast.web.CastWebServer;
import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.Peer;
import dev.peerlink.peer.pairing.PairingCode;
import dev.peerlink.peer.pairing.PairingCodeException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "receive", mixinStandardHelpOptions = true,
        description = {"The PC of seed 000: prints a pairing code and QR code (terminal, PNG, web page), waits for a phone",
                "to cast, and shows the stream on a local web page, records it (--record) and re-serves it as RTMP for",
                "ffplay/VLC/OBS (--rtmp). With --server, a phone that cannot reach this PC connects through the server and",
                "this PC dials back. With --plain, a stock RTMP client on the LAN (ffmpeg, OBS) may also publish unencrypted,",
                "with the one-time token as the stream key. Prints one JSON event per line on stderr. Runs until stopped."})
final class CastReceiveCommand implements Callable<Integer> {
    @Mixin
    DeviceOptions device;

    @Option(names = "--web", paramLabel = "IP:PORT|off", defaultValue = "127.0.0.1:0",
            description = "The live page (default: ${DEFAULT-VALUE}, loopback, any port; 'off' for none).")
    String web;

    @Option(names = "--rtmp", paramLabel = "IP:PORT", defaultValue = "127.0.0.1:0",
            description = "RTMP re-serve of the received stream, app 'cast', key 'live' (default: ${DEFAULT-VALUE}).")
    String rtmp;

    @Option(names = "--plain", paramLabel = "IP:PORT",
            description = "Also accept plain (unencrypted) RTMP publishing here, e.g. 0.0.0.0:1935, so a stock client can cast to "
                    + "rtmp://PC:PORT/cast/<one-time token> (printed as 'plain'). Off by default; for a trusted LAN only.")
    String plain;

    @Option(names = "--record", paramLabel = "FILE.flv", description = "Also write the received stream to this FLV file.")
    Path record;

    @Option(names = "--qr", paramLabel = "FILE.png", description = "Where to write the QR code (default: <home>/cast.png).")
    Path qr;

    @Option(names = "--listen", paramLabel = "IP:PORT", defaultValue = "0.0.0.0:0",
            description = "Where phones dial this PC directly (default: ${DEFAULT-VALUE}; the code lists the LAN addresses).")
    String listen;

    @Option(names = "--allow", paramLabel = "ID,ID", split = ",",
            description = "Devices that may cast through the server without a code ('cast send ID'); their keys are pinned "
                    + "as the server vouches for them.")
    java.util.List<String> allow = new java.util.ArrayList<>();

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "10m", converter = PairCommand.DurationConverter.class,
            description = "How long each code is valid: 90s, 10m, 1h (default: ${DEFAULT-VALUE}).")
    Duration ttl;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        if (device.id == null || !device.id.matches("[A-Za-z0-9._-]{1,64}")) {
            err.println("cast receive: --id ID is required (1-64 characters of [A-Za-z0-9._-])");
            return 2;
        }
        InetSocketAddress listenAt = new SocketAddressConverter(0).convert(listen);
        InetSocketAddress rtmpAt = new SocketAddressConverter(0).convert(rtmp);
        InetSocketAddress webAt = web.equalsIgnoreCase("off") ? null : new SocketAddressConverter(0).convert(web);
        InetSocketAddress plainAt = plain == null ? null : new SocketAddressConverter(1935).convert(plain);
        DeviceIdentity identity = device.identity();
        Path home = device.home != null ? device.home : DeviceIdentity.defaultHome(identity.deviceId());
        Path qrFile = qr != null ? qr : home.resolve("cast.png");
        CastStatus status = new CastStatus();
        try (Peer peer = device.server == null ? null : device.peer().build();
             LiveReceiverMedia media = new LiveReceiverMedia(rtmpAt, status);
             PlainCastServer plainServer = plainAt == null ? null : media.servePlain(plainAt);
             FlvRecorder recorder = record == null ? null : FlvRecorder.create(record, false, true);
             CastWebServer page = webAt == null ? null : CastWebServer.start(webAt, media, status)) {
            if (recorder != null) {
                media.record(recorder);
            }
            if (peer != null && !register(peer, err)) {
                return 1;
            }
            CastReceiver[] rx = new CastReceiver[1];
            CastReceiver.Builder b = CastReceiver.builder(identity).peer(peer).media(media).bind(listenAt).ttl(ttl)
                    .plain(plainServer).allow(allow).onEvent(e -> report(e, status, qrFile, plainServer, err));
            status.qrPng(() -> rx[0] == null ? null : PairingQr.png(rx[0].code().toText()));
            try (CastReceiver receiver = b.start()) {
                rx[0] = receiver;
                synchronized (err) {
                    err.println(DeviceOptions.json("event", "ready", "id", identity.deviceId().value(),
                            "web", page == null ? null : page.url(), "rtmp", media.rtmpUrl(), "plain", receiver.plainUrl(),
                            "record", record == null ? null : record.toString(), "qr", qrFile.toString()));
                    err.flush();
                }
                Shutdown.awaitSignal();
            }
        }
        return 0;
    }

    private boolean register(Peer peer, PrintStream err) throws InterruptedException {
        try {
            peer.start().get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            err.println("cast receive: cannot register with " + device.server + ": "
                    + (e.getCause() == null ? e : e.getCause()).getMessage());
            return false;
        }
    }

    /** The stock client's URL for the code in a waiting event (its token is the stream key); null without --plain. */
    private static String plainUrl(PlainCastServer plain, String code) {
        if (plain == null) {
            return null;
        }
        try {
            return plain.url(PairingCode.parse(code));
        } catch (PairingCodeException ex) {
            return null; // our own code: cannot happen
        }
    }

    /** One JSON line per event; a new code is also drawn on the terminal and written as PNG. */
    private static void report(CastEvent e, CastStatus status, Path qrFile, PlainCastServer plain, PrintStream err) {
        synchronized (err) {
            switch (e.event()) {
                case "waiting" -> {
                    status.pairing(e.detail());
                    status.waiting();
                    try {
                        PairingQr.writePng(e.detail(), qrFile);
                    } catch (IOException ex) {
                        err.println("cast receive: cannot write " + qrFile + ": " + ex.getMessage());
                    }
                    err.println("cast to this PC with: peerlink cast send --pairing " + e.detail());
                    err.print(PairingQr.toTerminal(e.detail(), PairingQr.ansiTerminal()));
                    String url = plainUrl(plain, e.detail());
                    if (url != null) {
                        err.println("or from a stock RTMP client on this LAN: ffmpeg -re -i in.mp4 -c:v libx264 -f flv " + url);
                        err.println(DeviceOptions.json("event", "waiting", "code", e.detail(), "plain", url));
                        err.flush();
                        return;
                    }
                }
                case "casting" -> status.live(e.path());
                default -> { }
            }
            err.println(e.toJson());
            err.flush();
        }
    }
}
