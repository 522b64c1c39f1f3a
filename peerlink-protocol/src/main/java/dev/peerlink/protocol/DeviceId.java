package dev.peerlink.protocol;

import java.util.regex.Pattern;

/** A device's identifier, chosen by its owner: 1–64 characters of {@code [A-Za-z0-9._-]}. */
public record DeviceId(String value) implements Comparable<DeviceId> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public DeviceId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("device id must be 1-64 characters of [A-Za-z0-9._-]");
        }
    }

    public static DeviceId of(String value) {
        return new DeviceId(value);
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    @Override
    public int compareTo(DeviceId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
