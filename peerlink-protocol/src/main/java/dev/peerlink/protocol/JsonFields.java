package dev.peerlink.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peerlink.protocol.ProtocolException.Code;
import java.util.ArrayList;
import java.util.List;

/** Typed field readers over Jackson trees: every wrong type, missing field or unpaired surrogate is an INVALID. */
final class JsonFields {
    private JsonFields() {}

    static void requireObject(JsonNode node, String name) throws ProtocolException {
        if (node == null || !node.isObject()) {
            throw new ProtocolException(Code.INVALID, name + " must be an object");
        }
    }

    static String str(JsonNode node, String name) throws ProtocolException {
        String s = optStr(node, name);
        if (s == null) {
            throw new ProtocolException(Code.INVALID, name + " is required");
        }
        return s;
    }

    static String optStr(JsonNode node, String name) throws ProtocolException {
        JsonNode f = node.get(name);
        if (f == null || f.isNull()) {
            return null;
        }
        if (!f.isTextual()) {
            throw new ProtocolException(Code.INVALID, name + " must be a string");
        }
        if (!wellFormed(f.textValue())) {
            throw new ProtocolException(Code.INVALID, name + " has an unpaired surrogate");
        }
        return f.textValue();
    }

    /** False for strings with unpaired UTF-16 surrogates (from \\uD800 escapes): they have no UTF-8 form. */
    static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    static void checkStrings(JsonNode node) throws ProtocolException {
        if (node.isTextual() && !wellFormed(node.textValue())) {
            throw new ProtocolException(Code.INVALID, "string with an unpaired surrogate");
        }
        if (node.isObject()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!wellFormed(e.getKey())) {
                    throw new ProtocolException(Code.INVALID, "field name with an unpaired surrogate");
                }
                checkStrings(e.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode e : node) {
                checkStrings(e);
            }
        }
    }

    static DeviceId deviceId(JsonNode node, String name) throws ProtocolException {
        return new DeviceId(str(node, name));
    }

    static DeviceId optDeviceId(JsonNode node, String name) throws ProtocolException {
        String s = optStr(node, name);
        return s == null ? null : new DeviceId(s);
    }

    static long lng(JsonNode node, String name) throws ProtocolException {
        JsonNode f = node.get(name);
        if (f == null || !f.isIntegralNumber() || !f.canConvertToLong()) {
            throw new ProtocolException(Code.INVALID, name + " must be an integer");
        }
        return f.longValue();
    }

    static long optLng(JsonNode node, String name, long dflt) throws ProtocolException {
        JsonNode f = node.get(name);
        return f == null || f.isNull() ? dflt : lng(node, name);
    }

    static Integer optInt(JsonNode node, String name) throws ProtocolException {
        JsonNode f = node.get(name);
        if (f == null || f.isNull()) {
            return null;
        }
        if (!f.isIntegralNumber() || !f.canConvertToInt()) {
            throw new ProtocolException(Code.INVALID, name + " must be an integer");
        }
        return f.intValue();
    }

    static boolean bool(JsonNode node, String name) throws ProtocolException {
        Boolean b = optBool(node, name);
        if (b == null) {
            throw new ProtocolException(Code.INVALID, name + " is required");
        }
        return b;
    }

    static Boolean optBool(JsonNode node, String name) throws ProtocolException {
        JsonNode f = node.get(name);
        if (f == null || f.isNull()) {
            return null;
        }
        if (!f.isBoolean()) {
            throw new ProtocolException(Code.INVALID, name + " must be true or false");
        }
        return f.booleanValue();
    }

    static JsonNode obj(JsonNode node, String name) throws ProtocolException {
        JsonNode f = optObj(node, name);
        if (f == null) {
            throw new ProtocolException(Code.INVALID, name + " is required");
        }
        return f;
    }

    static JsonNode optObj(JsonNode node, String name) throws ProtocolException {
        JsonNode f = node.get(name);
        if (f == null || f.isNull()) {
            return null;
        }
        requireObject(f, name);
        return f;
    }

    static JsonNode arr(JsonNode node, String name) throws ProtocolException {
        JsonNode f = optArr(node, name);
        if (f == null) {
            throw new ProtocolException(Code.INVALID, name + " is required");
        }
        return f;
    }

    static JsonNode optArr(JsonNode node, String name) throws ProtocolException {
        JsonNode f = node.get(name);
        if (f == null || f.isNull()) {
            return null;
        }
        if (!f.isArray()) {
            throw new ProtocolException(Code.INVALID, name + " must be an array");
        }
        return f;
    }

    static List<String> strings(JsonNode node, String name, int max) throws ProtocolException {
        JsonNode a = optArr(node, name);
        if (a == null) {
            return List.of();
        }
        if (a.size() > max) {
            throw new ProtocolException(Code.INVALID, name + ": at most " + max + " entries");
        }
        List<String> out = new ArrayList<>(a.size());
        for (JsonNode e : a) {
            if (!e.isTextual() || !wellFormed(e.textValue())) {
                throw new ProtocolException(Code.INVALID, name + " entries must be strings");
            }
            out.add(e.textValue());
        }
        return out;
    }
}
