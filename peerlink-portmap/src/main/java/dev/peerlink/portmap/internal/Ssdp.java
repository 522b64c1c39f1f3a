package dev.peerlink.portmap.internal;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * SSDP discovery of Internet Gateway Devices (UPnP Device Architecture 1.1 section 1.3): M-SEARCH to the multicast
 * group 239.255.255.250:1900 and, because some gateways ignore multicast from some clients (and multicast may not be
 * routed in odd setups), the same search unicast to the gateway's port 1900. Collects the LOCATION URLs of the
 * answers within the timeout.
 */
public final class Ssdp {
    public static final InetSocketAddress MULTICAST = new InetSocketAddress("239.255.255.250", 1900);
    static final List<String> SEARCH_TARGETS = List.of(
            "urn:schemas-upnp-org:device:InternetGatewayDevice:2",
            "urn:schemas-upnp-org:device:InternetGatewayDevice:1",
            "urn:schemas-upnp-org:service:WANIPConnection:2",
            "urn:schemas-upnp-org:service:WANIPConnection:1",
            "urn:schemas-upnp-org:service:WANPPPConnection:1");
    private static final int MAX_LOCATIONS = 16;

    private Ssdp() {
    }

    public static byte[] searchRequest(String st, String host) {
        return ("M-SEARCH * HTTP/1.1\r\n"
                + "HOST: " + host + "\r\n"
                + "MAN: \"ssdp:discover\"\r\n"
                + "MX: 1\r\n"
                + "ST: " + st + "\r\n"
                + "USER-AGENT: Linux/1 UPnP/1.1 peerlink/0.1\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The LOCATION header of an SSDP response, if it is a 200 with an http URL. */
    public static URI location(byte[] response, int length) {
        String text = new String(response, 0, length, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r?\n");
        if (lines.length == 0 || !lines[0].startsWith("HTTP/1.") || !lines[0].contains(" 200")) {
            return null;
        }
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("location")) {
                try {
                    URI u = URI.create(line.substring(colon + 1).trim());
                    return "http".equalsIgnoreCase(u.getScheme()) && u.getHost() != null ? u : null;
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * Sends the searches (multicast and unicast to {@code gateway}, port {@code unicastPort}) and returns the
     * distinct LOCATION URLs heard within {@code timeout}; returns early once {@code enough} were heard.
     */
    public static List<URI> discover(InetAddress gateway, int unicastPort, InetAddress localAddress, Duration timeout,
                                     int enough) throws IOException {
        Set<URI> found = new LinkedHashSet<>();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(localAddress, 0))) {
            for (String st : SEARCH_TARGETS) {
                byte[] m = searchRequest(st, "239.255.255.250:1900");
                try {
                    s.send(new DatagramPacket(m, m.length, MULTICAST));
                } catch (IOException e) {
                    // No multicast route: the unicast search below may still work.
                }
                if (gateway != null) {
                    byte[] u = searchRequest(st, gateway.getHostAddress() + ":" + unicastPort);
                    s.send(new DatagramPacket(u, u.length, new InetSocketAddress(gateway, unicastPort)));
                }
            }
            long end = System.nanoTime() + timeout.toNanos();
            byte[] buf = new byte[2048];
            while (found.size() < Math.min(enough, MAX_LOCATIONS)) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                s.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                } catch (java.net.PortUnreachableException e) {
                    continue;
                }
                URI loc = location(p.getData(), p.getLength());
                if (loc != null) {
                    found.add(loc);
                }
            }
        }
        return new ArrayList<>(found);
    }
}
