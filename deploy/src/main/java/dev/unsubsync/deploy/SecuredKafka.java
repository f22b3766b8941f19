package dev.unsubsync.deploy;

import java.util.Map;

/**
 * A broker that authenticates and authorizes every client, as a platform's does: each service is the SCRAM-SHA-512
 * user of its module's name with the password given here; {@code setUp} runs once the broker is up, before any
 * service starts, with an admin client's settings (super user {@code admin}), to create the users, their ACLs and
 * the topics, as Strimzi's operators would.
 */
public record SecuredKafka(String adminPassword, Map<String, String> servicePasswords, SetUp setUp) {

    /** What runs as the super user before the services start. */
    public interface SetUp {
        void run(Map<String, Object> adminClientConfig) throws Exception;
    }

    /** A SCRAM user's client settings, as {@code kafka.*} service properties or, without the prefix, a client's. */
    public static Map<String, String> clientSettings(String prefix, String user, String password) {
        return Map.of(prefix + "security.protocol", "SASL_PLAINTEXT", prefix + "sasl.mechanism", "SCRAM-SHA-512",
                prefix + "sasl.jaas.config", LocalKafka.jaasConfig(user, password));
    }
}
