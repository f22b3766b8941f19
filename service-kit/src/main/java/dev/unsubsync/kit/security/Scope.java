package dev.unsubsync.kit.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an API key may do. {@code ingest}: post unsubscribes and batches, mint one-click links. {@code read}: histories,
 * settings, runs, Salesforce look-ups. {@code admin}: change settings, remove unsubscribes, start runs, the console; an
 * admin key may also read.
 */
public enum Scope {
    INGEST, READ, ADMIN;

    /** The word used for it in the keys file and in answers. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scope a keys-file word names, if any. */
    public static Optional<Scope> of(String word) {
        for (Scope scope : values()) {
            if (scope.word().equals(word.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }

    /** Whether a key holding {@code held} may do what needs this scope. */
    public boolean grantedBy(Set<Scope> held) {
        return held.contains(this) || (this == READ && held.contains(ADMIN));
    }

    /** Every scope: what the service's own configured token holds. */
    public static Set<Scope> all() {
        return EnumSet.allOf(Scope.class);
    }

    /** The scopes as words, for messages: {@code ingest, read}. */
    public static String words(Set<Scope> scopes) {
        return scopes.isEmpty() ? "none" : scopes.stream().sorted().map(Scope::word).collect(Collectors.joining(", "));
    }
}
