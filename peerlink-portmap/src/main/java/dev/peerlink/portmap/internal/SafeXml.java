package dev.peerlink.portmap.internal;

import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapException;
import dev.peerlink.portmap.PortMapException.Kind;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Parses gateway XML (device descriptions, SOAP responses) into a small immutable tree, defensively: any DOCTYPE is
 * rejected outright (so no external entities, no entity expansion, no billion laughs), and input size, nesting
 * depth, element count and text size are capped. Namespaces are dropped: elements are matched by local name, as
 * real gateways disagree on prefixes. Every problem becomes a {@link PortMapException} of kind MALFORMED.
 */
public final class SafeXml {
    public static final int MAX_BYTES = 64 * 1024;
    public static final int MAX_DEPTH = 32;
    public static final int MAX_ELEMENTS = 4096;
    private static final int MAX_TEXT = 8 * 1024;

    /** An element: local name, concatenated direct text (trimmed), children in order. */
    public record Element(String name, String text, List<Element> children) {
        /** First direct child with this local name. */
        public Optional<Element> child(String name) {
            return children.stream().filter(c -> c.name.equals(name)).findFirst();
        }

        /** Text of the first direct child with this name, or empty. */
        public Optional<String> childText(String name) {
            return child(name).map(Element::text);
        }

        /** Every descendant (depth first, pre-order) with this local name. */
        public List<Element> descendants(String name) {
            List<Element> out = new ArrayList<>();
            collect(name, out);
            return out;
        }

        private void collect(String n, List<Element> out) {
            for (Element c : children) {
                if (c.name.equals(n)) {
                    out.add(c);
                }
                c.collect(n, out);
            }
        }
    }

    private static final XMLInputFactory FACTORY = newFactory();

    private static XMLInputFactory newFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    }

    private SafeXml() {
    }

    public static Element parse(byte[] xml) throws PortMapException {
        if (xml.length > MAX_BYTES) {
            throw malformed("XML of " + xml.length + " bytes exceeds the " + MAX_BYTES + "-byte limit", null);
        }
        XMLStreamReader r = null;
        try {
            r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(xml));
            List<String> names = new ArrayList<>();
            List<StringBuilder> texts = new ArrayList<>();
            List<List<Element>> kids = new ArrayList<>();
            kids.add(new ArrayList<>());
            int elements = 0;
            while (r.hasNext()) {
                int ev = r.next();
                switch (ev) {
                    case XMLStreamConstants.DTD -> throw malformed("DOCTYPE not allowed in gateway XML", null);
                    case XMLStreamConstants.ENTITY_REFERENCE ->
                            throw malformed("entity reference &" + r.getLocalName() + "; not allowed", null);
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (++elements > MAX_ELEMENTS) {
                            throw malformed("more than " + MAX_ELEMENTS + " elements", null);
                        }
                        if (names.size() >= MAX_DEPTH) {
                            throw malformed("nesting deeper than " + MAX_DEPTH, null);
                        }
                        names.add(r.getLocalName());
                        texts.add(new StringBuilder());
                        kids.add(new ArrayList<>());
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (!texts.isEmpty()) {
                            StringBuilder t = texts.get(texts.size() - 1);
                            if (t.length() + r.getTextLength() > MAX_TEXT) {
                                throw malformed("text longer than " + MAX_TEXT + " characters", null);
                            }
                            t.append(r.getText());
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        int last = names.size() - 1;
                        Element e = new Element(names.remove(last), texts.remove(last).toString().trim(),
                                List.copyOf(kids.remove(last + 1)));
                        kids.get(last).add(e);
                    }
                    default -> { }
                }
            }
            List<Element> roots = kids.get(0);
            if (roots.size() != 1) {
                throw malformed("no root element", null);
            }
            return roots.get(0);
        } catch (XMLStreamException | RuntimeException e) {
            throw malformed("unparsable XML: " + firstLine(e.getMessage()), e);
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing to release beyond the byte array
                }
            }
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        s = s.strip();
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(nl + 1).strip(); // JDK messages start with "ParseError at [row,col]:"
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }

    static PortMapException malformed(String message, Throwable cause) {
        return new PortMapException(Kind.MALFORMED, MappingProtocol.UPNP, null, message, cause);
    }
}
