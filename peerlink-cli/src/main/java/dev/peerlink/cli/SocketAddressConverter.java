package dev.peerlink.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code IP:PORT}, {@code [IPv6]:PORT}, {@code host:port} or a bare host (default port). */
final class SocketAddressConverter implements ITypeConverter<InetSocketAddress> {
    private final int defaultPort;

    SocketAddressConverter(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    @Override
    public InetSocketAddress convert(String value) {
        String host = value;
        int port = defaultPort;
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            if (end < 0) {
                throw new TypeConversionException("unclosed '[' in " + value);
            }
            host = value.substring(1, end);
            if (value.length() > end + 1) {
                if (value.charAt(end + 1) != ':') {
                    throw new TypeConversionException("expected ':' after ']' in " + value);
                }
                port = parsePort(value.substring(end + 2), value);
            }
        } else if (value.indexOf(':') >= 0 && value.indexOf(':') == value.lastIndexOf(':')) {
            host = value.substring(0, value.indexOf(':'));
            port = parsePort(value.substring(value.indexOf(':') + 1), value);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (java.net.UnknownHostException e) {
            throw new TypeConversionException("unknown host " + host);
        }
    }

    private static int parsePort(String s, String whole) {
        try {
            int p = Integer.parseInt(s);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new TypeConversionException("bad port in " + whole);
        }
    }
}
