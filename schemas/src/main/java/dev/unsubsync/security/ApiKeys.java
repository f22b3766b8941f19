package dev.unsubsync.security;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys upstream systems authenticate with, each under a name that is recorded as the origin of what it sends.
 * Keys come from the configured token (name {@code api}) and from an optional properties file ({@code name=key} per
 * line) that is read again whenever it changes, so keys rotate without a restart: add the new key, move the sender over,
 * remove the old one.
 */
public final class ApiKeys {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);

    /** A key as held: its bytes, and the bytes of its {@link #fingerprint}, both ready for comparison. */
    private record Key(byte[] secret, byte[] fingerprint) {
        static Key of(String key) {
            return new Key(key.getBytes(StandardCharsets.UTF_8), ApiKeys.fingerprint(key).getBytes(StandardCharsets.UTF_8));
        }
    }

    private final Key defaultKey;
    private final Path file;
    private volatile Map<String, Key> fileKeys = Map.of();
    private volatile FileTime loadedVersion;

    /**
     * @param defaultKey the configured token, known as {@code api}
     * @param file       the keys file, or null
     */
    public ApiKeys(String defaultKey, Path file) {
        this.defaultKey = defaultKey == null ? null : Key.of(defaultKey);
        this.file = file;
        reloadIfChanged();
    }

    /** The keys a service is configured with: its token and its keys file, either of them null or blank when not set. */
    public static ApiKeys configured(String token, String file) {
        return new ApiKeys(token == null || token.isBlank() ? null : token, file == null || file.isBlank() ? null : Path.of(file));
    }

    /** The name of the key, compared in constant time with every known key; empty when it is none of them. */
    public Optional<String> nameFor(String presented) {
        return match(presented, Key::secret);
    }

    /**
     * A one-way fingerprint of a key (hex of its SHA-256, first 16 bytes): what a browser session remembers of the key
     * it was opened with, so that removing the key ends its sessions too.
     */
    public static String fingerprint(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The name of the key with this {@link #fingerprint}, if it is still a key; constant-time over every key. */
    public Optional<String> nameForFingerprint(String presented) {
        return match(presented, Key::fingerprint);
    }

    private Optional<String> match(String presented, Function<Key, byte[]> part) {
        reloadIfChanged();
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        String match = null;
        // Compare against every key, whatever matches first: the time taken says nothing about which key was close.
        if (defaultKey != null && MessageDigest.isEqual(given, part.apply(defaultKey))) {
            match = "api";
        }
        for (Map.Entry<String, Key> key : fileKeys.entrySet()) {
            if (MessageDigest.isEqual(given, part.apply(key.getValue())) && match == null) {
                match = key.getKey();
            }
        }
        return Optional.ofNullable(match);
    }

    /** Who an {@code Authorization} header names: a caller, or why it is refused (in words safe to answer). */
    public sealed interface Authentication {
        record Caller(String name) implements Authentication {
        }

        record Refused(String detail) implements Authentication {
        }
    }

    /** Checks an {@code Authorization: Bearer <key>} header (null when absent). */
    public Authentication authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new Authentication.Refused("missing bearer token: send Authorization: Bearer <token>");
        }
        return nameFor(authorization.substring(7).trim()).<Authentication>map(Authentication.Caller::new)
                .orElseGet(() -> new Authentication.Refused("the bearer token is not valid"));
    }

    private void reloadIfChanged() {
        if (file == null) {
            return;
        }
        try {
            FileTime version = Files.getLastModifiedTime(file);
            if (version.equals(loadedVersion)) {
                return;
            }
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
            Map<String, Key> keys = new LinkedHashMap<>();
            for (String name : properties.stringPropertyNames()) {
                String key = properties.getProperty(name).trim();
                if (key.length() < 16) {
                    LOG.warn("API key '{}' in {} is shorter than 16 characters and is ignored", name, file);
                    continue;
                }
                keys.put(name, Key.of(key));
            }
            fileKeys = Map.copyOf(keys);
            loadedVersion = version;
            // Names only: never a key in a log line.
            LOG.info("API keys loaded from {}: {}", file, keys.keySet());
        } catch (IOException e) {
            LOG.warn("Could not read API keys from {} ({}); keeping the keys read before", file, e.toString());
        }
    }
}
