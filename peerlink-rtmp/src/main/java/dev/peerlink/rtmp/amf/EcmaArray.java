package dev.peerlink.rtmp.amf;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An AMF0 ECMA array (marker 0x08): an associative array that encoders such as ffmpeg's FLV muxer use for onMetaData.
 * It is a plain insertion-ordered map so readers need not care which of object or ECMA array the peer chose; the type
 * only tells {@link Amf0Writer} to write it back as an ECMA array.
 */
public final class EcmaArray extends LinkedHashMap<String, Object> {
    public EcmaArray() {}

    public EcmaArray(Map<String, ?> entries) {
        super(entries);
    }
}
