package dev.peerlink.cli;

import dev.peerlink.protocol.HttpProxy;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --proxy http://[USER:PASSWORD@]HOST:PORT}; a malformed value is a usage error, not a direct connection. */
final class ProxyConverter implements ITypeConverter<HttpProxy> {
    @Override
    public HttpProxy convert(String value) {
        try {
            return HttpProxy.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
