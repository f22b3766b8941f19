package dev.unsubsync.deploy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.schemas.Topic;
import dev.unsubsync.schemas.Topics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.StrimziAclOperation;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests, without a cluster: each overlay renders, reads strictly into Kubernetes' and Strimzi's
 * models, and agrees with the code — every topic as {@link Topics} declares it, every setting a service needs, probes,
 * disruption budgets, and ACLs that name only what the services use. That the ACLs are <em>enough</em> is
 * {@code SecuredKafkaTest}'s job: it runs the services on a broker holding exactly these ACLs.
 */
class DeploymentManifestsTest {

    /** The environment each service needs in a cluster: what its configuration refuses to start without, and more. */
    static final Map<String, List<String>> REQUIRED_ENV = Map.of(
            "unsubscribe-capture", List.of("CAPTURE_HOST", "CAPTURE_API_TOKEN", "CAPTURE_SIGNING_SECRET", "CAPTURE_PUBLIC_URL",
                    "CAPTURE_SERVICES_TOKEN", "CAPTURE_PUSHER_URL", "CAPTURE_RECONCILER_URL", "CAPTURE_ADVERTISED_HOST"),
            "salesforce-pusher", List.of("PUSHER_HOST", "PUSHER_API_TOKEN", "SALESFORCE_LOGIN_URL", "SALESFORCE_CLIENT_ID",
                    "SALESFORCE_CLIENT_SECRET"),
            "nightly-reconciler", List.of("RECONCILER_HOST", "RECONCILER_API_TOKEN", "SALESFORCE_LOGIN_URL", "SALESFORCE_CLIENT_ID",
                    "SALESFORCE_CLIENT_SECRET"));
    static final List<String> KAFKA_ENV = List.of("KAFKA_BOOTSTRAP_SERVERS", "REGISTRY_URL", "KAFKA_SECURITY_PROTOCOL",
            "KAFKA_SASL_MECHANISM", "KAFKA_SASL_JAAS_CONFIG", "KAFKA_SSL_TRUSTSTORE_LOCATION", "KAFKA_SSL_TRUSTSTORE_PASSWORD");
    /** Secrets Strimzi makes: the cluster CA, and one per KafkaUser (added below). */
    static final Set<String> STRIMZI_SECRETS = Set.of("unsubsync-cluster-ca-cert");
    /** Secrets production creates itself; docs/operations.md must say how. */
    static final Set<String> OPERATOR_SECRETS = Set.of("unsubsync-tokens", "unsubsync-api-keys", "unsubsync-monitoring", "salesforce-credentials");
    /** Consumer groups, Streams applications and transactional ids the services use. */
    static final Map<String, Set<String>> GROUPS = Map.of(
            "unsubscribe-capture", Set.of("unsubscribe-capture-history", "unsubscribe-capture-requests", "salesforce-pusher", "salesforce-pusher-parked"),
            "salesforce-pusher", Set.of("salesforce-pusher", "salesforce-pusher-parked", "salesforce-pusher-reconcile"),
            "nightly-reconciler", Set.of("nightly-reconciler", "nightly-reconciler-runs"),
            "pusher-lag-reader", Set.of("salesforce-pusher"));
    static final Map<String, String> STREAMS_APPLICATIONS = Map.of(
            "unsubscribe-capture", "unsubscribe-capture-history", "nightly-reconciler", "nightly-reconciler");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyTopicIsDeclaredAsTopicsDeclaresIt(String overlay) throws Exception {
        Manifests manifests = Manifests.overlay(overlay);
        Map<String, KafkaTopic> declared = manifests.all(KafkaTopic.class).stream()
                .collect(Collectors.toMap(t -> t.getMetadata().getName(), t -> t));
        for (Topic<?, ?> topic : Topics.ALL) {
            KafkaTopic resource = declared.remove(topic.name());
            assertNotNull(resource, "no KafkaTopic for " + topic.name());
            assertEquals(topic.partitions(), resource.getSpec().getPartitions(), topic.name() + " partitions");
            Map<String, String> config = new TreeMap<>();
            resource.getSpec().getConfig().forEach((k, v) -> config.put(k, String.valueOf(v)));
            assertEquals(new TreeMap<>(topic.config()), config, topic.name() + " config");
            assertEquals("unsubsync", resource.getMetadata().getLabels().get("strimzi.io/cluster"));
        }
        assertEquals(Set.of("kafkasql-journal", "kafkasql-snapshots"), declared.keySet(), "KafkaTopics that Topics does not declare");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceHasTheSettingsItNeedsAndEveryReferenceResolves(String overlay) throws Exception {
        Manifests manifests = Manifests.overlay(overlay);
        Set<String> secrets = new HashSet<>(STRIMZI_SECRETS);
        manifests.all(KafkaUser.class).forEach(u -> secrets.add(u.getMetadata().getName()));
        manifests.all(Secret.class).forEach(s -> secrets.add(s.getMetadata().getName()));
        if (overlay.equals("prod")) {
            secrets.addAll(OPERATOR_SECRETS);
            String operations = Files.readString(Manifests.root().resolve("../../docs/operations.md"));
            OPERATOR_SECRETS.forEach(s -> assertTrue(operations.contains(s), "docs/operations.md says how to create Secret " + s));
        }
        Map<String, Set<String>> configMaps = new HashMap<>();
        manifests.all(ConfigMap.class).forEach(c -> configMaps.put(c.getMetadata().getName(), c.getData().keySet()));
        for (Map.Entry<String, List<String>> service : REQUIRED_ENV.entrySet()) {
            Container container = container(manifests.named(Deployment.class, service.getKey()));
            Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
            for (String name : concat(service.getValue(), KAFKA_ENV)) {
                EnvVar var = env.get(name);
                assertNotNull(var, service.getKey() + " needs " + name);
                assertTrue(var.getValue() != null && !var.getValue().isBlank() || var.getValueFrom() != null, service.getKey() + " " + name + " is empty");
            }
        }
        for (Deployment deployment : manifests.all(Deployment.class)) {
            for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                for (EnvVar var : container.getEnv()) {
                    if (var.getValueFrom() == null) {
                        continue;
                    }
                    var secret = var.getValueFrom().getSecretKeyRef();
                    if (secret != null) {
                        assertTrue(secrets.contains(secret.getName()),
                                deployment.getMetadata().getName() + " " + var.getName() + ": no Secret " + secret.getName());
                    }
                    var configMap = var.getValueFrom().getConfigMapKeyRef();
                    if (configMap != null) {
                        assertTrue(configMaps.getOrDefault(configMap.getName(), Set.of()).contains(configMap.getKey()),
                                deployment.getMetadata().getName() + " " + var.getName() + ": no " + configMap.getName() + "/" + configMap.getKey());
                    }
                }
            }
            deployment.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getSecret() != null)
                    .forEach(v -> assertTrue(secrets.contains(v.getSecret().getSecretName()),
                            deployment.getMetadata().getName() + ": no Secret " + v.getSecret().getSecretName()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyDeploymentIsProbedBudgetedAndBounded(String overlay) throws Exception {
        Manifests manifests = Manifests.overlay(overlay);
        Set<String> budgeted = manifests.all(PodDisruptionBudget.class).stream()
                .map(p -> p.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/name")).collect(Collectors.toSet());
        Set<String> services = manifests.all(Service.class).stream().map(s -> s.getMetadata().getName()).collect(Collectors.toSet());
        for (Deployment deployment : manifests.all(Deployment.class)) {
            String name = deployment.getMetadata().getName();
            var pod = deployment.getSpec().getTemplate().getSpec();
            Container container = container(deployment);
            assertNotNull(container.getReadinessProbe(), name + " readiness probe");
            assertNotNull(container.getLivenessProbe(), name + " liveness probe");
            assertNotNull(container.getResources().getLimits().get("memory"), name + " memory limit");
            assertTrue(Boolean.TRUE.equals(pod.getSecurityContext().getRunAsNonRoot()), name + " runs as non-root");
            assertTrue(services.contains(name), name + " has a Service");
            if (!name.equals("salesforce-emulator")) {
                assertTrue(budgeted.contains(name), name + " has a PodDisruptionBudget");
                assertNotNull(pod.getAffinity().getPodAntiAffinity(), name + " spreads its pods");
            }
        }
        // The pusher finishes a batch before it stops: longer than the longest Salesforce wait (30 s) plus the drain.
        Deployment pusher = manifests.named(Deployment.class, "salesforce-pusher");
        assertTrue(pusher.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds() >= 60);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void pusherScalesOnItsLagUpToOnePodPerPartition(String overlay) throws Exception {
        Manifests manifests = Manifests.overlay(overlay);
        CustomKinds.ScaledObject scaled = manifests.all(CustomKinds.ScaledObject.class).getFirst();
        assertEquals("salesforce-pusher", scaled.spec().scaleTargetRef().name());
        assertEquals(Topics.UNSUBSCRIBE_EVENTS.partitions(), scaled.spec().maxReplicaCount());
        CustomKinds.Trigger trigger = scaled.spec().triggers().getFirst();
        assertEquals("kafka", trigger.type());
        assertEquals("salesforce-pusher", trigger.metadata().get("consumerGroup"));
        assertEquals(Topics.UNSUBSCRIBE_EVENTS.name(), trigger.metadata().get("topic"));
        CustomKinds.TriggerAuthentication auth = manifests.all(CustomKinds.TriggerAuthentication.class).getFirst();
        assertEquals(trigger.authenticationRef().name(), auth.metadata().getName());
        CustomKinds.ServiceMonitor monitor = manifests.all(CustomKinds.ServiceMonitor.class).getFirst();
        assertEquals("/prometheus", monitor.spec().endpoints().getFirst().path());
    }

    @org.junit.jupiter.api.Test
    void productionKafkaHasThreeBrokersThreeControllersAndTwoInSyncCopies() throws Exception {
        Manifests manifests = Manifests.overlay("prod");
        int brokers = 0;
        int controllers = 0;
        for (KafkaNodePool pool : manifests.all(KafkaNodePool.class)) {
            if (pool.getSpec().getRoles().contains(ProcessRoles.BROKER)) {
                brokers += pool.getSpec().getReplicas();
            }
            if (pool.getSpec().getRoles().contains(ProcessRoles.CONTROLLER)) {
                controllers += pool.getSpec().getReplicas();
            }
        }
        assertEquals(3, brokers);
        assertEquals(3, controllers);
        Map<String, Object> config = manifests.all(Kafka.class).getFirst().getSpec().getKafka().getConfig();
        assertEquals(3, ((Number) config.get("default.replication.factor")).intValue());
        assertEquals(2, ((Number) config.get("min.insync.replicas")).intValue());
        assertEquals(Boolean.FALSE, config.get("auto.create.topics.enable"));
    }

    @org.junit.jupiter.api.Test
    void aclsNameOnlyWhatTheServicesUse() throws Exception {
        Manifests manifests = Manifests.overlay("prod");
        Set<String> topicNames = Topics.ALL.stream().map(Topic::name).collect(Collectors.toSet());
        List<KafkaUser> users = manifests.all(KafkaUser.class);
        assertEquals(Set.of("unsubscribe-capture", "salesforce-pusher", "nightly-reconciler", "schema-registry", "pusher-lag-reader", "upstream-producer"),
                users.stream().map(u -> u.getMetadata().getName()).collect(Collectors.toSet()));
        for (KafkaUser user : users) {
            String name = user.getMetadata().getName();
            List<AclRule> acls = ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls();
            assertFalse(acls.isEmpty(), name);
            for (AclRule acl : acls) {
                String where = name + " " + acl.getResource();
                assertFalse(acl.getOperations().contains(StrimziAclOperation.ALL), where + ": All");
                assertFalse(acl.getOperations().contains(StrimziAclOperation.ALTER) || acl.getOperations().contains(StrimziAclOperation.ALTERCONFIGS),
                        where + ": alters");
                String resourceName = KafkaAcls.name(acl.getResource());
                assertFalse(resourceName == null || resourceName.contains("*"), where + ": a wildcard");
                switch (KafkaAcls.type(acl.getResource())) {
                    case TOPIC -> assertTrue(name.equals("schema-registry")
                            ? resourceName.startsWith("kafkasql-")
                            : KafkaAcls.prefixed(acl.getResource())
                                    ? resourceName.equals(STREAMS_APPLICATIONS.get(name) + "-")
                                    : topicNames.contains(resourceName),
                            where + ": not a topic it uses (Topics, or its Streams application's own)");
                    case GROUP -> assertTrue(name.equals("schema-registry") || GROUPS.get(name).contains(resourceName), where + ": not a group it uses");
                    case TRANSACTIONAL_ID -> assertTrue(name.equals("schema-registry") || resourceName.equals(STREAMS_APPLICATIONS.get(name)), where);
                    default -> throw new AssertionError(where + ": a cluster-wide ACL");
                }
                if (acl.getOperations().contains(StrimziAclOperation.CREATE) || acl.getOperations().contains(StrimziAclOperation.DELETE)) {
                    assertTrue(KafkaAcls.prefixed(acl.getResource()), where + ": creates or deletes only its Streams application's internal topics");
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aMisspeltOrMisplacedFieldFailsToRead() {
        String deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replica: 2\n";
        IllegalStateException misspelt = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> Manifests.parse(deployment));
        assertTrue(misspelt.getMessage().contains("replica"), misspelt.getMessage());
        String topic = "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata:\n  name: t\nspec:\n  partitions: 6\n  retention.ms: 1\n";
        IllegalStateException misplaced = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> Manifests.parse(topic));
        assertTrue(misplaced.getMessage().contains("retention.ms"), misplaced.getMessage());
        String monitor = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: m\nspec:\n  endpoint: []\n";
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> Manifests.parse(monitor));
    }

    private static Container container(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
