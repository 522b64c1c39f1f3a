package dev.peerlink.testkit.netns;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One bed per test class: skips the class with a printed reason when the bed (or coturn, if asked)
 * is unavailable, builds the bed before the first test and tears it down after the last.
 * Use as {@code @RegisterExtension static final TestBedExtension BED = TestBedExtension.create();}
 * ({@code TestBedExtension.create().matrix()} for a {@link NatTestBed.Builder#matrix()} bed).
 */
public final class TestBedExtension implements BeforeAllCallback, AfterAllCallback {
    private final boolean needsCoturn;
    private final boolean matrix;
    private final boolean ipv6;
    private NatTestBed bed;

    private TestBedExtension(boolean needsCoturn, boolean matrix, boolean ipv6) {
        this.needsCoturn = needsCoturn;
        this.matrix = matrix;
        this.ipv6 = ipv6;
    }

    public static TestBedExtension create() {
        return new TestBedExtension(false, false, false);
    }

    /** Also skips unless coturn's {@code turnserver} and {@code turnutils_natdiscovery} are installed. */
    public static TestBedExtension withCoturn() {
        return new TestBedExtension(true, false, false);
    }

    /** The same extension, but building the connection-matrix bed ({@code NatTestBed.builder().matrix()}). */
    public TestBedExtension matrix() {
        return new TestBedExtension(needsCoturn, true, ipv6);
    }

    /** The same extension, but the bed also gets IPv6 ({@code NatTestBed.builder().ipv6()}). */
    public TestBedExtension ipv6() {
        return new TestBedExtension(needsCoturn, matrix, true);
    }

    /** The running bed; only valid inside the test class's tests. */
    public NatTestBed bed() {
        if (bed == null) {
            throw new IllegalStateException("the test bed is not running (used outside the test class?)");
        }
        return bed;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (needsCoturn) {
            TestBedAssumptions.assumeCoturn();
        } else {
            TestBedAssumptions.assumeAvailable();
        }
        NatTestBed.Builder b = NatTestBed.builder();
        if (matrix) {
            b.matrix();
        }
        if (ipv6) {
            b.ipv6();
        }
        bed = b.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (bed != null) {
            bed.close();
            bed = null;
        }
    }
}
