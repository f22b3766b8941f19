package dev.unsubsync.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.deploy.k8s.KafkaAcls;
import dev.unsubsync.deploy.k8s.Manifests;
import dev.unsubsync.kit.kafka.TopicProvisioner;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.EmulatorClient;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The services on a broker that authenticates every client with SCRAM-SHA-512 and authorizes it by ACL, each service
 * its own user holding exactly the ACLs of its KafkaUser in {@code deploy/k8s/base/users.yaml}, the topics made
 * beforehand by the super user (as Strimzi's Topic Operator makes them). The whole flow must work on that and no
 * service may log a refusal: ACLs that miss something the services do fail here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredKafkaTest {

    private static final Pattern REFUSED = Pattern
            .compile("AuthorizationException|Not authorized|SaslAuthenticationException|TOPIC_AUTHORIZATION_FAILED|GROUP_AUTHORIZATION_FAILED");
    private static final List<String> SERVICES = List.of("unsubscribe-capture", "salesforce-pusher", "nightly-reconciler");
    /** The KafkaUser an upstream system producing to unsubscribe-requests gets. */
    private static final String UPSTREAM = "upstream-producer";

    private static LocalStack stack;
    private static Path data;
    private static EmulatorClient salesforce;
    private static final Map<String, String> passwords = new HashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startOnASecuredBroker() throws Exception {
        dev.unsubsync.schemas.EventClasses.trust();
        List<KafkaUser> users = Manifests.baseFile("users.yaml").all(KafkaUser.class);
        for (String service : SERVICES) {
            passwords.put(service, UUID.randomUUID().toString());
        }
        passwords.put(UPSTREAM, UUID.randomUUID().toString());
        Path root = Path.of(System.getProperty("project.root"));
        data = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "secured-stack-");
        SecuredKafka secured = new SecuredKafka(UUID.randomUUID().toString(), passwords, admin -> {
            try (Admin client = Admin.create(admin)) {
                List<UserScramCredentialUpsertion> credentials = new ArrayList<>();
                passwords.forEach((user, password) -> credentials.add(new UserScramCredentialUpsertion(user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)));
                client.alterUserScramCredentials(new ArrayList<>(credentials)).all().get();
                for (KafkaUser user : users) {
                    client.createAcls(KafkaAcls.of(user)).all().get();
                }
                TopicProvisioner.ensure(client, Topics.ALL, Duration.ofSeconds(30));
            }
        });
        stack = LocalStack.start(root, data, new LocalStack.Ports(EndToEndTest.freePort(), EndToEndTest.freePort(), EndToEndTest.freePort(),
                EndToEndTest.freePort(), EndToEndTest.freePort(), EndToEndTest.freePort(), EndToEndTest.freePort()), secured);
        salesforce = new EmulatorClient(stack.emulatorUrl(), LocalStack.EMULATOR_CLIENT_ID, LocalStack.EMULATOR_CLIENT_SECRET);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void anUnsubscribeReachesSalesforceAndItsHistoryIsRead() throws Exception {
        String email = "secured." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String contact = salesforce.create("Contact", Map.of("LastName", "Secured", "Email", email));
        HttpResponse<String> accepted = send("POST", stack.captureUrl() + "/v1/unsubscribes",
                "{\"email\":\"" + email + "\",\"source\":\"api\"}");
        assertEquals(202, accepted.statusCode(), accepted.body());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> Boolean.TRUE.equals(salesforce.get("Contact", contact).get("HasOptedOutOfEmail")));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> send("GET", stack.captureUrl() + "/v1/unsubscribes/" + email, null).body(), body -> body.contains("\"WRITTEN\""));
    }

    @Test
    @Order(2)
    void aNightlyRunSucceeds() throws Exception {
        HttpResponse<String> settings = send("PUT", stack.captureUrl() + "/v1/settings",
                "{\"nightlySyncEnabled\":true,\"syncToEmailOptOut\":true,\"syncToMarketoSalesOptOut\":false}");
        assertEquals(200, settings.statusCode(), settings.body());
        // The reconciler follows the settings topic: the run is refused until it has seen the change.
        HttpResponse<String> started = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> send("POST", stack.reconcilerUrl() + "/v1/runs", null), response -> response.statusCode() != 409);
        assertEquals(202, started.statusCode(), started.body());
        String location = started.headers().firstValue("Location").orElseThrow();
        String run = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> send("GET", stack.reconcilerUrl() + location, null).body(),
                        body -> body.contains("\"state\":\"SUCCEEDED\"") || body.contains("\"state\":\"FAILED\""));
        assertTrue(run.contains("\"state\":\"SUCCEEDED\""), run);
    }

    @Test
    @Order(3)
    void everyProbePathOfTheManifestsAnswersOnItsService() throws Exception {
        Manifests manifests = Manifests.overlay("prod");
        Map<String, String> urls = Map.of("unsubscribe-capture", stack.captureUrl(), "salesforce-pusher", stack.pusherUrl(),
                "nightly-reconciler", stack.reconcilerUrl());
        for (String service : SERVICES) {
            Container container = manifests.named(Deployment.class, service).getSpec().getTemplate().getSpec().getContainers().getFirst();
            for (var probe : List.of(container.getReadinessProbe(), container.getLivenessProbe(), container.getStartupProbe())) {
                String path = probe.getHttpGet().getPath();
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(urls.get(service) + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), service + " " + path + ": " + answer.body());
            }
        }
    }

    @Test
    @Order(4)
    void aServiceCannotWriteWhatItsAclsDoNotGrant() {
        Map<String, Object> config = new HashMap<>(SecuredKafka.clientSettings("", "salesforce-pusher", passwordOf("salesforce-pusher")));
        config.put("bootstrap.servers", stack.bootstrapServers());
        config.put("max.block.ms", 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> producer.send(new ProducerRecord<>(Topics.UNSUBSCRIBE_EVENTS.name(), "k", "v")).get());
            assertTrue(refused instanceof TopicAuthorizationException || refused.getCause() instanceof TopicAuthorizationException, refused.toString());
        }
    }

    @Test
    @Order(5)
    void anUpstreamSystemWithTheProducerUserAloneGetsAnUnsubscribeToSalesforceAndNothingElseIn() throws Exception {
        String email = "upstream." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String contact = salesforce.create("Contact", Map.of("LastName", "Upstream", "Email", email));
        Map<String, Object> config = new HashMap<>(SecuredKafka.clientSettings("", UPSTREAM, passwordOf(UPSTREAM)));
        config.put("bootstrap.servers", stack.bootstrapServers());
        config.put("max.block.ms", 10_000);
        config.put("acks", "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.UNSUBSCRIBE_REQUESTS.name(), "upstream-1",
                    "{\"email\":\"" + email + "\",\"source\":\"api\",\"upstreamEventId\":\"upstream-1\"}")).get();
            Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> producer.send(new ProducerRecord<>(Topics.UNSUBSCRIBE_EVENTS.name(), "k", "v")).get());
            assertTrue(refused instanceof TopicAuthorizationException || refused.getCause() instanceof TopicAuthorizationException, refused.toString());
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> Boolean.TRUE.equals(salesforce.get("Contact", contact).get("HasOptedOutOfEmail")));
    }

    @Test
    @Order(6)
    void noServiceWasRefusedAnything() throws Exception {
        for (String service : SERVICES) {
            Path log = data.resolve("logs").resolve(service + ".log");
            List<String> refusals = Files.readAllLines(log).stream().filter(line -> REFUSED.matcher(line).find()).limit(5).toList();
            assertEquals(List.of(), refusals, service + " was refused by the broker (see " + log + ")");
        }
    }

    private static String passwordOf(String service) {
        return passwords.get(service);
    }

    private HttpResponse<String> send(String method, String url, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + LocalStack.CAPTURE_TOKEN);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
