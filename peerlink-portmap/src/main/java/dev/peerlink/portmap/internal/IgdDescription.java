package dev.peerlink.portmap.internal;

import dev.peerlink.portmap.PortMapException;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Finds the WAN connection service in a UPnP device description: WANIPConnection:2 (IGD v2, has AddAnyPortMapping),
 * then WANIPConnection:1, then WANPPPConnection:1, anywhere in the embedded device tree.
 */
public final class IgdDescription {
    public static final String WAN_IP_2 = "urn:schemas-upnp-org:service:WANIPConnection:2";
    public static final String WAN_IP_1 = "urn:schemas-upnp-org:service:WANIPConnection:1";
    public static final String WAN_PPP_1 = "urn:schemas-upnp-org:service:WANPPPConnection:1";
    private static final List<String> PREFERENCE = List.of(WAN_IP_2, WAN_IP_1, WAN_PPP_1);

    /** The chosen service: its type (SOAP namespace) and absolute control URL. */
    public record Service(String serviceType, URI controlUrl) {
        public boolean igd2() {
            return WAN_IP_2.equals(serviceType);
        }
    }

    private IgdDescription() {
    }

    public static Service parse(byte[] xml, URI location) throws PortMapException {
        SafeXml.Element root = SafeXml.parse(xml);
        if (!root.name().equals("root")) {
            throw SafeXml.malformed("device description root is <" + root.name() + ">, not <root>", null);
        }
        URI base = root.childText("URLBase").filter(s -> !s.isBlank()).flatMap(IgdDescription::uri).orElse(location);
        Optional<SafeXml.Element> best = root.descendants("service").stream()
                .filter(s -> PREFERENCE.contains(s.childText("serviceType").orElse("")))
                .filter(s -> s.childText("controlURL").filter(u -> !u.isBlank()).isPresent())
                .min(Comparator.comparingInt(s -> PREFERENCE.indexOf(s.childText("serviceType").orElseThrow())));
        if (best.isEmpty()) {
            throw SafeXml.malformed("no WANIPConnection / WANPPPConnection service in " + location, null);
        }
        String type = best.get().childText("serviceType").orElseThrow();
        String control = best.get().childText("controlURL").orElseThrow();
        URI url;
        try {
            url = base.resolve(control.trim());
        } catch (IllegalArgumentException e) {
            throw SafeXml.malformed("bad controlURL " + control, e);
        }
        if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw SafeXml.malformed("controlURL is not an http URL: " + url, null);
        }
        if (location.getHost() != null && !location.getHost().equalsIgnoreCase(url.getHost())) {
            // A description must not send our SOAP requests to some other host.
            throw SafeXml.malformed("controlURL host " + url.getHost() + " differs from the description's host "
                    + location.getHost(), null);
        }
        return new Service(type, url);
    }

    private static Optional<URI> uri(String s) {
        try {
            return Optional.of(URI.create(s.trim()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
