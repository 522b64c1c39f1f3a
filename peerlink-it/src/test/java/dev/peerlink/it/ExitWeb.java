package dev.peerlink.it;

import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The real web server of the exit tests: a python3 process (stdlib only) on a public bed host, serving HTTP on
 * {@value #HTTP_PORT} and HTTPS on {@value #HTTPS_PORT} with a self-signed certificate for {@value #NAME}.
 * <ul>
 *   <li>{@code /small}, {@code /big}: files the test wrote (seeded random bytes), so it knows their SHA-256;</li>
 *   <li>{@code /ip}: the address the request came from, i.e. which provider's router carried it;</li>
 *   <li>{@code /gen?bytes=N}: N bytes generated on the fly (a 1 MiB block repeated), for bulk benchmarks.</li>
 * </ul>
 */
final class ExitWeb implements AutoCloseable {
    static final String NAME = "web.test";
    static final int HTTP_PORT = 8080;
    static final int HTTPS_PORT = 8443;
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path OPENSSL = Path.of("/usr/bin/openssl");

    private static final String SCRIPT = """
            import http.server, socket, ssl, sys, threading, urllib.parse
            root, addr = sys.argv[1], sys.argv[2]
            files = {'/small': open(root + '/small.bin', 'rb').read(), '/big': open(root + '/big.bin', 'rb').read()}
            block = bytes((i * 131 + (i >> 8) * 7) & 0xff for i in range(1 << 20))

            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = 'HTTP/1.1'
                timeout = 60
                def log_message(self, *args):
                    pass
                def head(self, n):
                    self.send_response(200)
                    self.send_header('Content-Type', 'application/octet-stream')
                    self.send_header('Content-Length', str(n))
                    self.end_headers()
                def do_GET(self):
                    url = urllib.parse.urlsplit(self.path)
                    if url.path in files:
                        body = files[url.path]
                        self.head(len(body))
                        self.wfile.write(body)
                    elif url.path == '/ip':
                        body = self.client_address[0].encode()
                        self.head(len(body))
                        self.wfile.write(body)
                    elif url.path == '/gen':
                        n = int(urllib.parse.parse_qs(url.query).get('bytes', ['0'])[0])
                        self.head(n)
                        view = memoryview(block)
                        while n > 0:
                            k = min(n, len(block))
                            self.wfile.write(view[:k])
                            n -= k
                    else:
                        self.send_error(404)

            class Server(http.server.ThreadingHTTPServer):
                daemon_threads = True
                request_queue_size = 128

            class TlsServer(Server):
                def finish_request(self, request, client_address):
                    # the handshake runs on the request's own thread: a stalled client cannot block accept()
                    try:
                        tls = context.wrap_socket(request, server_side=True)
                    except (ssl.SSLError, OSError):
                        return
                    try:
                        super().finish_request(tls, client_address)
                    finally:
                        tls.close()

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(root + '/cert.pem', root + '/key.pem')
            plain = Server((addr, %d), Handler)
            secure = TlsServer((addr, %d), Handler)
            threading.Thread(target=secure.serve_forever, daemon=True).start()
            print('serving', addr, flush=True)
            plain.serve_forever()
            """.formatted(HTTP_PORT, HTTPS_PORT);

    final Host host;
    final Path dir;
    final byte[] small;
    final byte[] big;
    private HostProcess process;

    private ExitWeb(Host host, Path dir, byte[] small, byte[] big) {
        this.host = host;
        this.dir = dir;
        this.small = small;
        this.big = big;
    }

    /** Why the web server cannot run here (python3 or openssl missing), or null. */
    static String unavailable() {
        for (Path tool : List.of(PYTHON, OPENSSL)) {
            if (!Files.isExecutable(tool)) {
                return tool + " not installed";
            }
        }
        return null;
    }

    /** Writes the bodies, the certificate and the script into {@code dir}, starts the server and waits until it serves. */
    static ExitWeb start(Host host, Path dir, int bigBytes) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Random random = new Random(13);
        byte[] small = new byte[1024];
        random.nextBytes(small);
        byte[] big = new byte[bigBytes];
        random.nextBytes(big);
        Files.write(dir.resolve("small.bin"), small);
        Files.write(dir.resolve("big.bin"), big);
        Files.writeString(dir.resolve("web.py"), SCRIPT);
        selfSignedCertificate(dir);
        ExitWeb web = new ExitWeb(host, dir, small, big);
        web.process = host.start(PYTHON.toString(), dir.resolve("web.py").toString(), dir.toString(),
                host.address().getHostAddress());
        web.process.awaitOutput(Pattern.compile("^serving "), Duration.ofSeconds(30));
        return web;
    }

    /** An EC key and a certificate for {@value #NAME} (subjectAltName), valid two days: what curl --cacert pins. */
    private static void selfSignedCertificate(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(OPENSSL.toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", dir.resolve("key.pem").toString(), "-out",
                dir.resolve("cert.pem").toString(), "-days", "2", "-subj", "/CN=" + NAME, "-addext",
                "subjectAltName=DNS:" + NAME).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl req failed: " + out);
        }
    }

    Path certificate() {
        return dir.resolve("cert.pem");
    }

    String address() {
        return host.address().getHostAddress();
    }

    /** {@code http://web.test:8080} or {@code https://web.test:8443}. */
    static String base(boolean tls) {
        return tls ? "https://" + NAME + ":" + HTTPS_PORT : "http://" + NAME + ":" + HTTP_PORT;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
