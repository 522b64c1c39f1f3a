package dev.peerlink.share.fingerprint.internal;

import java.util.Arrays;

/** A growable list of ints: the radio map's index holds millions of them, so no boxing. Not thread-safe. */
public final class IntList {
    private int[] items = new int[4];
    private int size;

    public void add(int value) {
        if (size == items.length) {
            items = Arrays.copyOf(items, items.length * 2);
        }
        items[size++] = value;
    }

    public int size() {
        return size;
    }

    public int get(int index) {
        if (index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return items[index];
    }
}
