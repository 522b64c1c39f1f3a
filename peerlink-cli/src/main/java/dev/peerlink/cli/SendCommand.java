package dev.peerlink.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.transfer.client.SendResult;
import dev.peerlink.transfer.client.TransferClient;
import dev.peerlink.transfer.client.TransferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Sends a file or a text message to a device through a server, deduplicated: the content is named by",
                "its SHA-256 code and uploaded only when neither the chosen server nor (for a private server) its central",
                "server holds it; chunked, resumable, proven (docs/transfer.md).",
                "Exit codes: 0 sent, 2 refused by the server (unknown target, quota...), 1 other failure."})
final class SendCommand implements Callable<Integer> {
    static final class What {
        @Parameters(paramLabel = "FILE", arity = "0..1", description = "The file to send.")
        Path file;

        @Option(names = "--text", paramLabel = "MSG", description = "Send a text message instead of a file.")
        String text;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    @Option(names = "--to", paramLabel = "DEVICE", required = true, description = "The target device id.")
    String to;

    @Option(names = "--via", paramLabel = "private|central",
            description = "Which tier to send through (default: the --server as it is). From a private server, central means its central server.")
    String via;

    @Option(names = "--json", description = "Print one JSON object: contentId, uploaded, bytesSent, deliveredBy, ...")
    boolean json;

    @Mixin
    TransferDevice device;

    @Override
    public Integer call() {
        try {
            if (via != null && !via.equals("private") && !via.equals("central")) {
                throw new IllegalArgumentException("--via is private or central");
            }
            if (what.file != null && !Files.isRegularFile(what.file)) {
                throw new IllegalArgumentException("no such file: " + what.file);
            }
            SendResult r;
            try (TransferClient c = through(device.connect(device.url()), via)) {
                r = what.file != null ? c.send(what.file, to) : c.sendText(what.text, to);
            }
            print(r);
            return 0;
        } catch (TransferException e) {
            System.err.println("peerlink send: refused: " + e.getMessage());
            return 2;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("peerlink send: " + e.getMessage());
            return 1;
        }
    }

    /** The connection for --via: this server, or the central server a private one names. */
    private static TransferClient through(TransferClient home, String via) throws IOException {
        if (via == null) {
            return home;
        }
        try {
            TransferClient c = home.via(via);
            if (c != home) {
                home.close();
            }
            return c;
        } catch (IOException | IllegalArgumentException e) {
            home.close();
            throw e;
        }
    }

    private void print(SendResult r) {
        if (json) {
            System.out.println(new ObjectMapper().createObjectNode().put("contentId", r.contentId().toString()).put("size", r.size())
                    .put("uploaded", r.uploaded()).put("bytesSent", r.bytesSent()).put("chunksSent", r.chunksSent())
                    .put("chunks", r.chunkCount()).put("deliveredBy", r.deliveredBy()).put("delivery", r.delivery())
                    .put("resumes", r.resumes()).put("hashMs", r.hashMillis()).put("totalMs", r.totalMillis()));
            return;
        }
        String what = this.what.file != null ? this.what.file.getFileName().toString() : "message";
        System.out.printf(Locale.ROOT, "%s (%s, %s) to %s: %s, %d bytes sent, delivered by the %s server (delivery %d)%n", what,
                InboxCommand.human(r.size()), r.contentId(), to,
                r.uploaded() ? "uploaded " + r.chunksSent() + " of " + r.chunkCount() + " chunks" : "upload skipped (already held)",
                r.bytesSent(), r.deliveredBy(), r.delivery());
    }
}
