package dev.peerlink.portmap.internal;

import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapException;
import dev.peerlink.portmap.PortMapException.Kind;
import dev.peerlink.portmap.Transport;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * SOAP actions of one WANIPConnection / WANPPPConnection service. Errors the gateway reports as a UPnPError become
 * {@link PortMapException} of kind REFUSED with the UPnP error code (718 ConflictInMappingEntry, 725
 * OnlyPermanentLeasesSupported, ...).
 */
public final class UpnpClient {
    public static final int ERR_INVALID_ARGS = 402;
    public static final int ERR_ACTION_FAILED = 501;
    public static final int ERR_NOT_AUTHORIZED = 606;
    public static final int ERR_NO_SUCH_ENTRY = 714;
    public static final int ERR_CONFLICT = 718;
    public static final int ERR_SAME_PORT_VALUES_REQUIRED = 724;
    public static final int ERR_ONLY_PERMANENT_LEASES = 725;
    public static final int ERR_EXTERNAL_PORT_ONLY_WILDCARD = 727;
    public static final int ERR_NO_PORT_MAPS_AVAILABLE = 728;
    public static final int ERR_CONFLICT_WITH_OTHER_MECHANISMS = 729;

    /** GetSpecificPortMappingEntry's answer. */
    public record Entry(String internalClient, int internalPort, boolean enabled, String description, long leaseSeconds) {
    }

    private final IgdDescription.Service service;
    private final HttpLite.Limits limits;

    public UpnpClient(IgdDescription.Service service, HttpLite.Limits limits) {
        this.service = service;
        this.limits = limits;
    }

    public IgdDescription.Service service() {
        return service;
    }

    /** Fetches and parses a device description at {@code location}. */
    public static UpnpClient fromLocation(URI location, HttpLite.Limits limits) throws PortMapException {
        HttpLite.Response r = HttpLite.get(location, limits);
        if (r.status() != 200) {
            throw new PortMapException(Kind.UNAVAILABLE, MappingProtocol.UPNP, null,
                    "device description " + location + " answered HTTP " + r.status(), null);
        }
        return new UpnpClient(IgdDescription.parse(r.body(), location), limits);
    }

    public InetAddress externalAddress() throws PortMapException {
        SafeXml.Element resp = call("GetExternalIPAddress", Map.of());
        String ip = resp.childText("NewExternalIPAddress").orElse("");
        if (ip.isEmpty()) {
            throw SafeXml.malformed("GetExternalIPAddress returned no address", null);
        }
        return parseIpv4(ip);
    }

    public void addPortMapping(Transport t, int externalPort, InetAddress internalClient, int internalPort,
                               String description, long leaseSeconds) throws PortMapException {
        call("AddPortMapping", mappingArgs(t, externalPort, internalClient, internalPort, description, leaseSeconds));
    }

    /** IGD v2 only: the gateway picks a free external port near the suggestion and returns it. */
    public int addAnyPortMapping(Transport t, int externalPort, InetAddress internalClient, int internalPort,
                                 String description, long leaseSeconds) throws PortMapException {
        SafeXml.Element resp = call("AddAnyPortMapping",
                mappingArgs(t, externalPort, internalClient, internalPort, description, leaseSeconds));
        String port = resp.childText("NewReservedPort").orElse("");
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw SafeXml.malformed("AddAnyPortMapping returned a bad port: '" + port + "'", null);
        }
    }

    public void deletePortMapping(Transport t, int externalPort) throws PortMapException {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("NewRemoteHost", "");
        a.put("NewExternalPort", String.valueOf(externalPort));
        a.put("NewProtocol", t.upnpName());
        call("DeletePortMapping", a);
    }

    /** The entry for an external port, or empty if the gateway says there is none (714 NoSuchEntryInArray). */
    public Optional<Entry> getSpecificPortMappingEntry(Transport t, int externalPort) throws PortMapException {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("NewRemoteHost", "");
        a.put("NewExternalPort", String.valueOf(externalPort));
        a.put("NewProtocol", t.upnpName());
        try {
            SafeXml.Element r = call("GetSpecificPortMappingEntry", a);
            return Optional.of(new Entry(r.childText("NewInternalClient").orElse(""),
                    parseInt(r.childText("NewInternalPort").orElse("0")),
                    !"0".equals(r.childText("NewEnabled").orElse("1")),
                    r.childText("NewPortMappingDescription").orElse(""),
                    parseInt(r.childText("NewLeaseDuration").orElse("0"))));
        } catch (PortMapException e) {
            if (e.code().orElse(0) == ERR_NO_SUCH_ENTRY) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A listed mapping (GetGenericPortMappingEntry). */
    public record ListedEntry(Transport transport, int externalPort, String internalClient, int internalPort,
                              String description, long leaseSeconds) {
    }

    /** Entry {@code index} of the gateway's table, or empty past the end (713 SpecifiedArrayIndexInvalid / 714). */
    public Optional<ListedEntry> getGenericPortMappingEntry(int index) throws PortMapException {
        try {
            SafeXml.Element r = call("GetGenericPortMappingEntry", Map.of("NewPortMappingIndex", String.valueOf(index)));
            Transport t;
            try {
                t = Transport.parse(r.childText("NewProtocol").orElse(""));
            } catch (IllegalArgumentException e) {
                throw SafeXml.malformed("bad NewProtocol in entry " + index, e);
            }
            return Optional.of(new ListedEntry(t, parseInt(r.childText("NewExternalPort").orElse("")),
                    r.childText("NewInternalClient").orElse(""), parseInt(r.childText("NewInternalPort").orElse("")),
                    r.childText("NewPortMappingDescription").orElse(""),
                    parseInt(r.childText("NewLeaseDuration").orElse("0"))));
        } catch (PortMapException e) {
            int c = e.code().orElse(0);
            if (c == 713 || c == ERR_NO_SUCH_ENTRY) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static int parseInt(String s) throws PortMapException {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw SafeXml.malformed("not a number: '" + s + "'", null);
        }
    }

    private static Map<String, String> mappingArgs(Transport t, int externalPort, InetAddress internalClient,
                                                   int internalPort, String description, long leaseSeconds) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("NewRemoteHost", "");
        a.put("NewExternalPort", String.valueOf(externalPort));
        a.put("NewProtocol", t.upnpName());
        a.put("NewInternalPort", String.valueOf(internalPort));
        a.put("NewInternalClient", internalClient.getHostAddress());
        a.put("NewEnabled", "1");
        a.put("NewPortMappingDescription", description);
        a.put("NewLeaseDuration", String.valueOf(leaseSeconds));
        return a;
    }

    /** Envelope for {@code action} with arguments in order (order matters to some gateways). */
    static byte[] envelope(String serviceType, String action, Map<String, String> args) {
        StringBuilder b = new StringBuilder()
                .append("<?xml version=\"1.0\"?>\r\n")
                .append("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" ")
                .append("s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body>")
                .append("<u:").append(action).append(" xmlns:u=\"").append(escape(serviceType)).append("\">");
        args.forEach((k, v) -> b.append('<').append(k).append('>').append(escape(v)).append("</").append(k).append('>'));
        b.append("</u:").append(action).append("></s:Body></s:Envelope>\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Posts the action; returns the {@code <u:ActionResponse>} element or throws with the UPnP error code. */
    SafeXml.Element call(String action, Map<String, String> args) throws PortMapException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "text/xml; charset=\"utf-8\"");
        headers.put("SOAPAction", "\"" + service.serviceType() + "#" + action + "\"");
        HttpLite.Response r = HttpLite.post(service.controlUrl(), headers, envelope(service.serviceType(), action, args), limits);
        SafeXml.Element env;
        try {
            env = SafeXml.parse(r.body());
        } catch (PortMapException e) {
            if (r.status() != 200) {
                throw new PortMapException(Kind.REFUSED, MappingProtocol.UPNP, null,
                        action + " failed with HTTP " + r.status() + " and an unparsable body", e);
            }
            throw e;
        }
        Optional<SafeXml.Element> body = env.child("Body");
        if (body.isEmpty() && r.status() != 200) {
            throw new PortMapException(Kind.REFUSED, MappingProtocol.UPNP, null,
                    action + " failed with HTTP " + r.status() + " and no SOAP body", null);
        }
        if (body.isEmpty()) {
            throw SafeXml.malformed(action + ": SOAP response without Body", null);
        }
        Optional<SafeXml.Element> fault = body.get().child("Fault");
        if (fault.isPresent() || r.status() != 200) {
            Optional<SafeXml.Element> err = fault.flatMap(f -> f.descendants("UPnPError").stream().findFirst());
            Integer code = null;
            String desc = "";
            if (err.isPresent()) {
                try {
                    code = Integer.parseInt(err.get().childText("errorCode").orElse("").trim());
                } catch (NumberFormatException ignored) {
                    // no numeric code: report the HTTP status alone
                }
                desc = err.get().childText("errorDescription").orElse("");
            }
            throw new PortMapException(Kind.REFUSED, MappingProtocol.UPNP, code,
                    action + " failed: HTTP " + r.status() + (desc.isEmpty() ? "" : " " + desc), null);
        }
        return body.get().child(action + "Response").orElseThrow(() ->
                SafeXml.malformed(action + ": no " + action + "Response in the SOAP body", null));
    }

    static InetAddress parseIpv4(String s) throws PortMapException {
        String[] p = s.trim().split("\\.");
        if (p.length != 4) {
            throw SafeXml.malformed("not an IPv4 address: '" + s + "'", null);
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            try {
                int v = Integer.parseInt(p[i]);
                if (v < 0 || v > 255) {
                    throw new NumberFormatException();
                }
                b[i] = (byte) v;
            } catch (NumberFormatException e) {
                throw SafeXml.malformed("not an IPv4 address: '" + s + "'", null);
            }
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
