package dev.peerlink.portmap.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback HTTP server for UPnP tests: a handler turns each request into raw bytes written back (or does
 * something hostile with the socket itself). Requests are recorded.
 */
final class FakeHttpServer implements AutoCloseable {
    record Request(String method, String path, String soapAction, String body) {
    }

    interface Handler {
        void handle(Request request, OutputStream out, Socket socket) throws IOException, InterruptedException;
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final Thread acceptor;
    private volatile boolean closed;

    FakeHttpServer(Handler handler) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptor = Thread.ofVirtual().start(() -> {
            while (!closed) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> serve(s, handler));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    private void serve(Socket s, Handler handler) {
        try (s) {
            InputStream in = s.getInputStream();
            String head = readHead(in);
            String[] lines = head.split("\r\n");
            String[] first = lines[0].split(" ");
            int length = 0;
            String action = "";
            for (String l : lines) {
                String lower = l.toLowerCase();
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(l.substring(15).trim());
                } else if (lower.startsWith("soapaction:")) {
                    action = l.substring(11).trim().replace("\"", "");
                }
            }
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            Request r = new Request(first[0], first[1], action.contains("#") ? action.substring(action.indexOf('#') + 1) : "", body);
            requests.add(r);
            handler.handle(r, s.getOutputStream(), s);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client gave up (that is what several tests provoke)
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("eof");
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    static void respond(OutputStream out, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: text/xml\r\nContent-Length: " + b.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(b);
        out.flush();
    }

    static String description(String serviceType, String controlUrl) {
        return """
                <?xml version="1.0"?>
                <root xmlns="urn:schemas-upnp-org:device-1-0">
                  <specVersion><major>1</major><minor>0</minor></specVersion>
                  <device>
                    <deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
                    <deviceList><device>
                      <deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
                      <deviceList><device>
                        <deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>
                        <serviceList><service>
                          <serviceType>%s</serviceType>
                          <serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
                          <controlURL>%s</controlURL>
                        </service></serviceList>
                      </device></deviceList>
                    </device></deviceList>
                  </device>
                </root>
                """.formatted(serviceType, controlUrl);
    }

    static String soapResponse(String action, String serviceType, String inner) {
        return "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
                + "<u:" + action + "Response xmlns:u=\"" + serviceType + "\">" + inner + "</u:" + action + "Response>"
                + "</s:Body></s:Envelope>";
    }

    static String soapError(int code, String description) {
        return "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
                + "<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>"
                + "<UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>" + code + "</errorCode>"
                + "<errorDescription>" + description + "</errorDescription></UPnPError></detail></s:Fault>"
                + "</s:Body></s:Envelope>";
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        acceptor.interrupt();
    }
}
