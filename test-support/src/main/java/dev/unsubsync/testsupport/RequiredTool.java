package dev.unsubsync.testsupport;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A tool a test needs that the build cannot fetch (a Debian package, a browser). On a developer's machine without it
 * the test is skipped with a message naming the package; under CI ({@code TOOLS_REQUIRED=1}, set by {@code .ci/run},
 * which installs every such package) it fails instead, so a missing tool never passes unnoticed there.
 */
public final class RequiredTool {

    /** The environment variable that turns a missing tool from a skip into a failure. */
    public static final String REQUIRED = "TOOLS_REQUIRED";

    private RequiredTool() {
    }

    /** Skips (or, under CI, fails) the calling test unless {@code present}; {@code missing} names the package to install. */
    public static void require(boolean present, String missing) {
        if ("1".equals(System.getenv(REQUIRED))) {
            Assertions.assertTrue(present, missing + " (" + REQUIRED + "=1: required here)");
        }
        Assumptions.assumeTrue(present, missing);
    }
}
