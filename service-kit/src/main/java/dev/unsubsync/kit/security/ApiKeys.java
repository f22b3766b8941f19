package dev.unsubsync.kit.security;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys upstream systems authenticate with, each under a name that is recorded as the origin of what it sends,
 * and each with its {@linkplain Scope scopes}. Keys come from the configured token (name {@code api}, every scope: the
 * operator's key) and from an optional properties file, one key per line as {@code name=key scope,scope} (a line
 * without scopes gets {@code ingest} only, with a warning). The file is read again whenever it changes, so keys rotate
 * without a restart: add the new key, move the sender over, remove the old one. Removing a line, or the whole file,
 * revokes those keys; a file that cannot be read revokes every key it held (closed, not stale).
 */
public final class ApiKeys {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);

    /** Shortest key accepted outside the {@code local} and {@code test} environments. */
    public static final int STRONG_LENGTH = 32;
    /** Shortest key accepted anywhere. */
    public static final int WEAKEST_LENGTH = 16;

    /** A key as held: its bytes, the bytes of its {@link #fingerprint}, both ready for comparison, and its scopes. */
    private record Key(byte[] secret, byte[] fingerprint, Set<Scope> scopes) {
        static Key of(String key, Set<Scope> scopes) {
            return new Key(key.getBytes(StandardCharsets.UTF_8), ApiKeys.fingerprint(key).getBytes(StandardCharsets.UTF_8), Set.copyOf(scopes));
        }
    }

    private final Key defaultKey;
    private final Path file;
    private final int minimumLength;
    private volatile Map<String, Key> fileKeys = Map.of();
    private volatile FileTime loadedVersion;
    private volatile List<String> problems = List.of();

    /**
     * @param defaultKey    the configured token, known as {@code api}, with every scope
     * @param file          the keys file, or null
     * @param minimumLength keys shorter than this are refused
     */
    public ApiKeys(String defaultKey, Path file, int minimumLength) {
        this.defaultKey = defaultKey == null ? null : Key.of(defaultKey, Scope.all());
        this.file = file;
        this.minimumLength = minimumLength;
        reloadIfChanged();
    }

    /** Keys as in a development environment: at least {@value #WEAKEST_LENGTH} characters. */
    public ApiKeys(String defaultKey, Path file) {
        this(defaultKey, file, WEAKEST_LENGTH);
    }

    /**
     * The keys a service is configured with, as {@link #configured(String, String, boolean)}: strong keys are required
     * unless the {@code local} or {@code test} environment is active.
     */
    public static ApiKeys configured(String token, String file, Set<String> activeEnvironments) {
        return configured(token, file, !(activeEnvironments.contains("local") || activeEnvironments.contains("test")));
    }

    /**
     * The keys a service is configured with: its token and its keys file, either of them null or blank when not set.
     * When {@code strong}, every key must have at least {@value #STRONG_LENGTH} characters and name only known scopes,
     * or the service refuses to start, naming each key at fault (by name, never the key).
     *
     * @throws IllegalArgumentException when {@code strong} and a key is refused
     */
    public static ApiKeys configured(String token, String file, boolean strong) {
        String key = token == null || token.isBlank() ? null : token;
        ApiKeys keys = new ApiKeys(key, file == null || file.isBlank() ? null : Path.of(file), strong ? STRONG_LENGTH : WEAKEST_LENGTH);
        List<String> refused = new ArrayList<>(keys.problems);
        if (key != null && key.length() < keys.minimumLength) {
            refused.add(0, "the configured API token is shorter than " + keys.minimumLength + " characters");
        }
        if (strong && !refused.isEmpty()) {
            throw new IllegalArgumentException("API keys refused:\n  " + String.join("\n  ", refused));
        }
        return keys;
    }

    /** The name of the key, compared in constant time with every known key; empty when it is none of them. */
    public Optional<String> nameFor(String presented) {
        return callerFor(presented).map(Authentication.Caller::name);
    }

    /** The caller a key is: its name and its scopes; empty when it is no known key. */
    public Optional<Authentication.Caller> callerFor(String presented) {
        return match(presented, Key::secret);
    }

    /**
     * A one-way fingerprint of a key (hex of its SHA-256, first 16 bytes): what a browser session remembers of the key
     * it was opened with, so that removing the key ends its sessions too.
     */
    public static String fingerprint(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The caller whose key has this {@link #fingerprint}, if it is still a key; constant-time over every key. */
    public Optional<Authentication.Caller> callerForFingerprint(String presented) {
        return match(presented, Key::fingerprint);
    }

    private Optional<Authentication.Caller> match(String presented, Function<Key, byte[]> part) {
        reloadIfChanged();
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        Authentication.Caller match = null;
        // Compare against every key, whatever matches first: the time taken says nothing about which key was close.
        if (defaultKey != null && MessageDigest.isEqual(given, part.apply(defaultKey))) {
            match = new Authentication.Caller("api", defaultKey.scopes());
        }
        for (Map.Entry<String, Key> key : fileKeys.entrySet()) {
            if (MessageDigest.isEqual(given, part.apply(key.getValue())) && match == null) {
                match = new Authentication.Caller(key.getKey(), key.getValue().scopes());
            }
        }
        return Optional.ofNullable(match);
    }

    /** Who an {@code Authorization} header names: a caller, or why it is refused (in words safe to answer). */
    public sealed interface Authentication {
        /** A known key: its name and what it may do. */
        record Caller(String name, Set<Scope> scopes) implements Authentication {

            /** Whether this caller may do what needs {@code scope}. */
            public boolean may(Scope scope) {
                return scope.grantedBy(scopes);
            }

            /** Why this caller may not do what needs {@code scope}, in words safe to answer. */
            public String lacks(Scope scope) {
                return "API key '" + name + "' lacks the '" + scope.word() + "' scope this request needs (it has: "
                        + Scope.words(scopes) + ")";
            }
        }

        /** Not known (401): a missing or wrong key, an expired session. */
        record Refused(String detail) implements Authentication {
        }

        /** Known, but this request may not be made this way (403): a console change without its header, say. */
        record Forbidden(String detail) implements Authentication {
        }
    }

    /** Checks an {@code Authorization: Bearer <key>} header (null when absent). */
    public Authentication authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new Authentication.Refused("missing bearer token: send Authorization: Bearer <token>");
        }
        return callerFor(authorization.substring(7).trim()).<Authentication>map(caller -> caller)
                .orElseGet(() -> new Authentication.Refused("the bearer token is not valid"));
    }

    private void reloadIfChanged() {
        if (file == null) {
            return;
        }
        FileTime version;
        try {
            version = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            revoke(e instanceof NoSuchFileException ? "it is gone" : "it cannot be read (" + e + ")");
            return;
        }
        if (version.equals(loadedVersion)) {
            return;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            revoke("it cannot be read (" + e + ")");
            return;
        }
        Map<String, Key> keys = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        for (String name : new TreeSet<>(properties.stringPropertyNames())) {
            String[] parts = properties.getProperty(name).trim().split("\\s+", 2);
            String key = parts[0];
            if (key.length() < minimumLength) {
                refused.add("API key '" + name + "' in " + file + " is shorter than " + minimumLength + " characters");
                continue;
            }
            Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            String unknown = null;
            for (String word : (parts.length > 1 ? parts[1] : "").split("[,\\s]+")) {
                if (!word.isBlank()) {
                    Optional<Scope> scope = Scope.of(word);
                    scope.ifPresent(scopes::add);
                    unknown = scope.isPresent() ? unknown : word;
                }
            }
            if (unknown != null) {
                refused.add("API key '" + name + "' in " + file + " names an unknown scope '" + unknown + "' (known: ingest, read, admin)");
                continue;
            }
            if (scopes.isEmpty()) {
                LOG.warn("API key '{}' in {} names no scopes and gets 'ingest' only; write '{}=<key> ingest' (or read, admin) to say so", name, file, name);
                scopes.add(Scope.INGEST);
            }
            keys.put(name, Key.of(key, scopes));
        }
        refused.forEach(problem -> LOG.warn("{}: the key is refused", problem));
        problems = List.copyOf(refused);
        fileKeys = Map.copyOf(keys);
        loadedVersion = version;
        // Names and scopes only: never a key in a log line.
        LOG.info("API keys loaded from {}: {}", file, keys.entrySet().stream()
                .map(k -> k.getKey() + " (" + Scope.words(k.getValue().scopes()) + ")").toList());
    }

    private void revoke(String why) {
        if (!fileKeys.isEmpty() || loadedVersion != null) {
            LOG.warn("API keys file {}: {}; every key it held is revoked until it is back", file, why);
        }
        fileKeys = Map.of();
        loadedVersion = null;
    }
}
