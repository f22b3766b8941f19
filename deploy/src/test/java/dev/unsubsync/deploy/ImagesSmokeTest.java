package dev.unsubsync.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.testsupport.EmulatorClient;
import dev.unsubsync.testsupport.RegistryServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The service images ({@code ./mvnw -Pimages package}) under podman: each loaded and run as its non-root user with
 * nothing but environment variables, in production mode (no {@code local} settings), against the local broker and
 * registry; each must report {@code UP}, and an unsubscribe posted to the capture container must reach the emulator
 * container through the pusher container. Runs with {@code -Pimages} only (it needs podman and the built images).
 */
@Tag("images")
class ImagesSmokeTest {

    private static final String TOKEN = "smoke-" + UUID.randomUUID() + UUID.randomUUID();
    private static final String SALESFORCE_ID = "smoke-client";
    private static final String SALESFORCE_SECRET = "smoke-secret-" + UUID.randomUUID();
    private static final Map<String, String> MODULES = Map.of("salesforce-emulator", "SALESFORCE_EMULATOR",
            "unsubscribe-capture", "CAPTURE", "salesforce-pusher", "PUSHER", "nightly-reconciler", "RECONCILER");

    private static Path root;
    private static Path data;
    private static LocalKafka kafka;
    private static RegistryServer registry;
    private static final Map<String, Integer> ports = new LinkedHashMap<>();
    private static final List<String> containers = new ArrayList<>();
    private static final String run = UUID.randomUUID().toString().substring(0, 8);
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startBrokerRegistryAndContainers() throws Exception {
        root = Path.of(System.getProperty("project.root"));
        data = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "images-smoke-");
        Files.createDirectories(data.resolve("logs"));
        int kafkaPort = EndToEndTest.freePort();
        kafka = new LocalKafka(root, data.resolve("kafka"), data.resolve("logs"), kafkaPort, EndToEndTest.freePort(), Duration.ofSeconds(120), (String) null);
        kafka.start();
        registry = RegistryServer.start(Path.of(System.getProperty("java.home"), "bin", "java"), root.resolve("target/apicurio-registry"),
                EndToEndTest.freePort(), data.resolve("logs/registry.log"), Duration.ofSeconds(120), null);
        for (String module : List.of("salesforce-emulator", "unsubscribe-capture", "salesforce-pusher", "nightly-reconciler")) {
            ports.put(module, EndToEndTest.freePort());
            podman("load", "-q", "-i", root.resolve(module).resolve("target/jib-image.tar").toString());
        }
        String emulator = "http://127.0.0.1:" + ports.get("salesforce-emulator");
        Map<String, String> common = Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + kafkaPort, "REGISTRY_URL", registry.apiUrl(),
                "SALESFORCE_LOGIN_URL", emulator, "SALESFORCE_CLIENT_ID", SALESFORCE_ID, "SALESFORCE_CLIENT_SECRET", SALESFORCE_SECRET);
        start("salesforce-emulator", Map.of("EMULATOR_CLIENT_ID", SALESFORCE_ID, "EMULATOR_CLIENT_SECRET", SALESFORCE_SECRET,
                "MICRONAUT_SERVER_HOST", "127.0.0.1", "MICRONAUT_SERVER_PORT", String.valueOf(ports.get("salesforce-emulator"))));
        start("unsubscribe-capture", with(common, "CAPTURE_API_TOKEN", TOKEN, "CAPTURE_SIGNING_SECRET", TOKEN));
        start("salesforce-pusher", with(common, "PUSHER_API_TOKEN", TOKEN));
        start("nightly-reconciler", with(common, "RECONCILER_API_TOKEN", TOKEN));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        for (String container : containers) {
            try {
                Files.writeString(data.resolve("logs").resolve(container + ".log"), podman("logs", container));
            } catch (IllegalStateException e) {
                // Already gone: nothing to keep.
            }
            podman("rm", "-f", container);
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyImageRunsAsItsNonRootUserAndReportsUp() throws Exception {
        for (String module : MODULES.keySet()) {
            assertEquals("10001:10001", podman("image", "inspect", "--format", "{{.Config.User}}", image(module)).strip(), module);
            String url = "http://127.0.0.1:" + ports.get(module) + "/health";
            String health = await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN).build(),
                            HttpResponse.BodyHandlers.ofString()).body(), body -> body.contains("\"status\":\"UP\""));
            assertTrue(health.contains("UP"), module + ": " + health);
        }
    }

    @Test
    void anUnsubscribePostedToTheCaptureContainerReachesSalesforceThroughThePusherContainer() throws Exception {
        EmulatorClient salesforce = await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> new EmulatorClient("http://127.0.0.1:" + ports.get("salesforce-emulator"), SALESFORCE_ID, SALESFORCE_SECRET), c -> c != null);
        String email = "image.smoke." + run + "@example.com";
        String contact = salesforce.create("Contact", Map.of("LastName", "Smoke", "Email", email));
        String capture = "http://127.0.0.1:" + ports.get("unsubscribe-capture");
        HttpResponse<String> accepted = await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> http.send(HttpRequest.newBuilder(URI.create(capture + "/v1/unsubscribes"))
                        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"salesforceId\":\"" + contact + "\",\"source\":\"api\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() == 202);
        assertEquals(202, accepted.statusCode());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> Boolean.TRUE.equals(salesforce.get("Contact", contact).get("HasOptedOutOfEmail")));
    }

    private static void start(String module, Map<String, String> environment) throws Exception {
        String name = module + "-smoke-" + run;
        List<String> command = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "host", "--memory", "768m"));
        Map<String, String> env = new LinkedHashMap<>(environment);
        String prefix = MODULES.get(module);
        if (!module.equals("salesforce-emulator")) {
            // Tests bind to loopback only; the image's default is every interface of its container.
            env.put(prefix + "_HOST", "127.0.0.1");
            env.put(prefix + "_PORT", String.valueOf(ports.get(module)));
        }
        env.forEach((key, value) -> command.addAll(List.of("-e", key + "=" + value)));
        command.add(image(module));
        podman(command.toArray(String[]::new));
        containers.add(name);
    }

    private static String image(String module) {
        return "unsubsync/" + module + ":" + System.getProperty("project.version", "0.1.0-SNAPSHOT");
    }

    private static Map<String, String> with(Map<String, String> base, String... pairs) {
        Map<String, String> map = new LinkedHashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static String podman(String... arguments) throws IOException, InterruptedException {
        return Podman.run(root, arguments);
    }
}
