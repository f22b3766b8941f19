package dev.unsubsync.capture.settings;

import dev.unsubsync.kit.FrameworkFree;

/**
 * A settings change refused because it was made against settings that are no longer in force: the version the caller
 * read ({@code If-Match}) is not the current one, or the stored settings have not been read yet.
 */
@FrameworkFree
public class SettingsConflictException extends RuntimeException {

    private final String currentVersion;
    private final boolean notReadYet;

    SettingsConflictException(String message, String currentVersion, boolean notReadYet) {
        super(message);
        this.currentVersion = currentVersion;
        this.notReadYet = notReadYet;
    }

    /** The version now in force (null while the stored settings have not been read). */
    public String currentVersion() {
        return currentVersion;
    }

    /** True when the stored settings have not been read yet (try again shortly), false for a stale version. */
    public boolean notReadYet() {
        return notReadYet;
    }
}
