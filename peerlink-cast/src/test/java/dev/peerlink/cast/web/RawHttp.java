package dev.peerlink.cast.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A bare HTTP/1.1 exchange over a socket, for what java.net.http will not send (any Host header, odd requests). */
final class RawHttp {
    private RawHttp() {}

    /** Sends {@code request} verbatim and returns the whole answer (the server closes after errors). */
    static String exchange(InetSocketAddress server, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new String(readToEnd(s.getInputStream()), StandardCharsets.ISO_8859_1);
        }
    }

    /** Sends {@code request} and returns only the status code (for answers after which the server keeps listening). */
    static int statusOnly(InetSocketAddress server, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            byte[] line = s.getInputStream().readNBytes(12);
            return status(new String(line, StandardCharsets.ISO_8859_1));
        }
    }

    static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }
}
