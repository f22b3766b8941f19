package dev.unsubsync.deploy.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.unsubsync.testsupport.RequiredTool;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Kubernetes manifests under {@code deploy/k8s}, rendered by {@code kubectl kustomize} and read strictly into the
 * models their owners publish: Kubernetes' (fabric8) and Strimzi's. Those models keep fields they do not know in a side
 * map instead of failing, so every object read is walked and any such field is an error naming where it is. The
 * Prometheus Operator's and KEDA's resources have no model on Maven Central; {@link CustomKinds} holds the fields we
 * use, and a field not there fails too.
 */
public final class Manifests {

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final Map<String, Class<?>> KINDS = Map.ofEntries(
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("kafka.strimzi.io/v1/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1/KafkaUser", KafkaUser.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", CustomKinds.ServiceMonitor.class),
            Map.entry("keda.sh/v1alpha1/ScaledObject", CustomKinds.ScaledObject.class),
            Map.entry("keda.sh/v1alpha1/TriggerAuthentication", CustomKinds.TriggerAuthentication.class));

    private final List<Object> objects;

    private Manifests(List<Object> objects) {
        this.objects = List.copyOf(objects);
    }

    /** The project's {@code deploy/k8s} folder. */
    public static Path root() {
        return Path.of(System.getProperty("project.root")).resolve("deploy/k8s");
    }

    /** An overlay ({@code dev}, {@code prod}) as {@code kubectl kustomize} renders it, read strictly. */
    public static Manifests overlay(String name) throws IOException, InterruptedException {
        RequiredTool.require(onPath("kubectl"), "kubectl is needed to render the manifests (kubectl kustomize):"
                + " apt-get install kubernetes-client, or any kubectl 1.27+");
        return parse(kustomize(root().resolve("overlays").resolve(name)));
    }

    /** One file of the base, read strictly (no kustomize). */
    public static Manifests baseFile(String file) throws IOException {
        return parse(Files.readString(root().resolve("base").resolve(file)));
    }

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Arrays.stream(path.split(File.pathSeparator)).anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, command)));
    }

    static String kustomize(Path dir) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new IllegalStateException("kubectl is needed to render the manifests (kubectl kustomize); install it"
                    + " (Debian: kubernetes-client, or any kubectl 1.27+): " + e.getMessage(), e);
        }
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("kubectl kustomize " + dir + " failed: " + err);
        }
        if (!err.isBlank()) {
            throw new IllegalStateException("kubectl kustomize " + dir + " warned (keep the overlays warning-free): " + err);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    static Manifests parse(String yaml) throws IOException {
        List<Object> read = new ArrayList<>();
        var parser = new YAMLFactory().createParser(yaml);
        var documents = YAML.readValues(parser, JsonNode.class);
        int index = 0;
        while (documents.hasNext()) {
            JsonNode document = documents.next();
            index++;
            if (document == null || document.isNull() || document.isEmpty()) {
                continue;
            }
            String key = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
            String where = "document " + index + " (" + key + " " + document.path("metadata").path("name").asText() + ")";
            Class<?> type = KINDS.get(key);
            if (type == null) {
                throw new IllegalStateException(where + ": no model for this kind; add one to Manifests or fix the apiVersion");
            }
            Object object;
            try {
                object = YAML.treeToValue(document, type);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(where + ": " + e.getOriginalMessage(), e);
            }
            List<String> unknown = new ArrayList<>();
            unknownFields(object, "", unknown, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
            if (!unknown.isEmpty()) {
                throw new IllegalStateException(where + ": fields the model does not know: " + unknown);
            }
            read.add(object);
        }
        return new Manifests(read);
    }

    /** Walks a model object; every non-empty "additional properties" map is a field the model did not know. */
    private static void unknownFields(Object value, String path, List<String> unknown, Set<Object> seen) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean || value instanceof Enum<?>) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, unknown, seen));
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        String pkg = value.getClass().getPackageName();
        if (!(pkg.startsWith("io.fabric8") || pkg.startsWith("io.strimzi") || pkg.startsWith("dev.unsubsync")) || !seen.add(value)) {
            return;
        }
        for (Method method : value.getClass().getMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers()) || method.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = method.getName();
            boolean getter = name.startsWith("get") && name.length() > 3 || name.startsWith("is") && name.length() > 2;
            if (!getter && !value.getClass().isRecord()) {
                continue;
            }
            if (value.getClass().isRecord() && java.util.Arrays.stream(value.getClass().getRecordComponents()).noneMatch(c -> c.getName().equals(name))) {
                continue;
            }
            Object child;
            try {
                child = method.invoke(value);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (name.equals("getAdditionalProperties") && child instanceof Map<?, ?> extra) {
                extra.keySet().forEach(k -> unknown.add(path + "." + k));
            } else {
                unknownFields(child, path + "." + (value.getClass().isRecord() ? name : property(name)), unknown, seen);
            }
        }
    }

    private static String property(String getter) {
        String bare = getter.startsWith("is") ? getter.substring(2) : getter.substring(3);
        return Character.toLowerCase(bare.charAt(0)) + bare.substring(1);
    }

    /** Every object of a kind. */
    public <T> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The one object of a kind with that name. */
    public <T extends HasMetadata> T named(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
    }

    /** How many objects were read. */
    public int size() {
        return objects.size();
    }
}
