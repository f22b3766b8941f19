package dev.unsubsync.tool;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Option;

/** Where Kafka and the registry are: options, else the environment the services use, else the local run's defaults. */
public final class Connection {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,…", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka (default: $KAFKA_BOOTSTRAP_SERVERS, else ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Option(names = "--registry", paramLabel = "URL", defaultValue = "${env:REGISTRY_URL:-http://127.0.0.1:8085}",
            description = "the schema registry, its base or any of its API URLs (default: $REGISTRY_URL, else ${DEFAULT-VALUE})")
    String registryUrl;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client settings to add, as properties (security.protocol, sasl.*, ssl.*: what your cluster needs)")
    Path kafkaConfig;

    private Registry registry;

    /** Settings of a consumer that reads raw bytes, outside any group, committed records only. */
    public Map<String, Object> consumerConfig() {
        Map<String, Object> config = common();
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "unsubsync-tool");
        return config;
    }

    public Map<String, Object> adminConfig() {
        Map<String, Object> config = common();
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "unsubsync-tool");
        return config;
    }

    private Map<String, Object> common() {
        Map<String, Object> config = new HashMap<>();
        if (kafkaConfig != null) {
            Properties extra = new Properties();
            try (InputStream in = Files.newInputStream(kafkaConfig)) {
                extra.load(in);
            } catch (IOException e) {
                throw new ToolException(2, "cannot read --kafka-config " + kafkaConfig + ": " + e.getMessage());
            }
            extra.forEach((k, v) -> config.put((String) k, v));
        }
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return config;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The registry, through its Confluent-compatible API. */
    public synchronized Registry registry() {
        if (registry == null) {
            String url = registryUrl.strip();
            int apis = url.indexOf("/apis/");
            String base = apis >= 0 ? url.substring(0, apis) : url.replaceAll("/+$", "");
            URI uri;
            try {
                uri = URI.create(base + "/apis/ccompat/v7");
            } catch (IllegalArgumentException e) {
                throw new ToolException(2, "--registry is not a URL: " + registryUrl);
            }
            if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
                throw new ToolException(2, "--registry must be an http(s) URL, not " + registryUrl);
            }
            registry = new Registry(uri);
        }
        return registry;
    }
}
