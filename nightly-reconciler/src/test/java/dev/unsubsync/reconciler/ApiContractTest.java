package dev.unsubsync.reconciler;

import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.ContractCheck;
import dev.unsubsync.testsupport.FreePorts;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.TestInfrastructure;
import dev.unsubsync.testsupport.TopicClients;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reconciler's contract, as it serves it at {@code /openapi}, held against the running reconciler
 * ({@link ContractCheck}): every documented answer of every route, over the real broker and registry. A second
 * reconciler, its Kafka unreachable, gives the outage answers (503).
 */
@ExtendWith(RealInfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.MethodName.class)
class ApiContractTest {

    private static final String ADMIN = "reconciler-contract-admin-0123456789ab";
    private static final String READER = "reconciler-contract-reader-0123456789a";
    private static final String INGEST = "reconciler-contract-ingest-0123456789a";

    private dev.unsubsync.testsupport.ServiceProcess emulator;
    private EmbeddedServer live;
    private EmbeddedServer down;
    private ContractCheck contract;

    @BeforeAll
    void start() throws Exception {
        int port = FreePorts.one();
        String salesforce = "http://127.0.0.1:" + port;
        // An empty org: a run started here finishes in seconds, and no run is left going for the module's other tests.
        emulator = dev.unsubsync.testsupport.ServiceProcess.start("salesforce-emulator", dev.unsubsync.testsupport.ServiceProcess.projectRoot(),
                "salesforce-emulator", "dev.unsubsync.emulator.Application",
                Map.of("micronaut.server.port", String.valueOf(port), "emulator.client-id", "contract", "emulator.client-secret", "contract-secret"),
                java.util.List.of("-Xmx128m"), Path.of(System.getProperty("java.io.tmpdir"), "reconciler-contract-emulator.log"),
                URI.create(salesforce + "/health"), Duration.ofSeconds(60));
        Path keys = Files.createTempFile("reconciler-contract-keys", ".properties");
        Files.writeString(keys, "analyst=" + READER + " read\ncrm=" + INGEST + " ingest\n");
        Map<String, Object> common = new HashMap<>();
        common.put("reconciler.api-token", ADMIN);
        common.put("reconciler.api-keys-file", keys.toString());
        common.put("salesforce.login-url", salesforce);
        common.put("salesforce.client-id", "contract");
        common.put("salesforce.client-secret", "contract-secret");
        common.put("micronaut.server.port", "-1");
        Map<String, Object> liveProperties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        liveProperties.putAll(common);
        liveProperties.put("reconciler.state-dir", Files.createTempDirectory("reconciler-contract").toString());
        live = ApplicationContext.run(EmbeddedServer.class, liveProperties);
        Map<String, Object> downProperties = new HashMap<>(common);
        downProperties.put("kafka.bootstrap.servers", "127.0.0.1:9");
        // Its start-up need not wait the default 15 s for topics on a broker that is not there.
        downProperties.put("topic-setup.start-up-wait", "2s");
        downProperties.put("kafka.apicurio.registry.url", "http://127.0.0.1:9/apis/registry/v3");
        downProperties.put("reconciler.state-dir", Files.createTempDirectory("reconciler-contract-down").toString());
        down = ApplicationContext.run(EmbeddedServer.class, downProperties);
        contract = new ContractCheck(live.getURI());
    }

    @AfterAll
    void stop() {
        for (EmbeddedServer server : new EmbeddedServer[]{down, live}) {
            if (server != null) {
                server.getApplicationContext().close();
            }
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void everyDocumentedAnswerHoldsAgainstTheRunningReconciler() throws Exception {
        URI at = live.getURI();
        contract.expect(200, at, "GET", "/v1/runs", "/v1/runs", ContractCheck.bearer(READER), null, null);
        contract.expect(401, at, "GET", "/v1/runs", "/v1/runs", Map.of(), null, null);
        contract.expect(403, at, "GET", "/v1/runs", "/v1/runs", ContractCheck.bearer(INGEST), null, null);
        contract.expect(404, at, "GET", "/v1/runs/no-such-run", "/v1/runs/{runId}", ContractCheck.bearer(READER), null, null);
        contract.expect(401, at, "GET", "/v1/runs/no-such-run", "/v1/runs/{runId}", Map.of(), null, null);
        contract.expect(403, at, "GET", "/v1/runs/no-such-run", "/v1/runs/{runId}", ContractCheck.bearer(INGEST), null, null);
        contract.expect(401, at, "POST", "/v1/runs", "/v1/runs", Map.of(), null, null);
        contract.expect(403, at, "POST", "/v1/runs", "/v1/runs", ContractCheck.bearer(READER), null, null);

        // Nightly sync disabled: no run; enabled: one run, and a second while it goes is refused.
        TopicClients kafka = TopicClients.of(TestInfrastructure.get());
        kafka.send(Topics.SETTINGS.name(), Topics.SETTINGS_KEY, SyncSettings.newBuilder().setNightlySyncEnabled(false).build());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> contract.send(at, "POST", "/v1/runs", ContractCheck.bearer(ADMIN), null, null).statusCode() == 409);
        contract.expect(409, at, "POST", "/v1/runs", "/v1/runs", ContractCheck.bearer(ADMIN), null, null);
        kafka.send(Topics.SETTINGS.name(), Topics.SETTINGS_KEY, SyncSettings.newBuilder().setNightlySyncEnabled(true).build());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> contract.send(at, "GET", "/v1/runs", ContractCheck.bearer(READER), null, null).body().contains("\"nightlySyncEnabled\":true"));
        HttpResponse<String> started = contract.expect(202, at, "POST", "/v1/runs", "/v1/runs", ContractCheck.bearer(ADMIN), null, null);
        Matcher id = Pattern.compile("\"runId\":\"([^\"]+)\"").matcher(started.body());
        org.junit.jupiter.api.Assertions.assertTrue(id.find(), started.body());
        contract.expect(200, at, "GET", "/v1/runs/" + id.group(1), "/v1/runs/{runId}", ContractCheck.bearer(READER), null, null);

        contract.expect(503, down.getURI(), "POST", "/v1/runs", "/v1/runs", ContractCheck.bearer(ADMIN), null, null);
        contract.expect(200, at, "GET", "/openapi", "/openapi", Map.of(), null, null);
        contract.expect(303, at, "GET", "/openapi/ui", "/openapi/ui", Map.of(), null, null);
        contract.expect(200, at, "GET", "/prometheus", "/prometheus", ContractCheck.bearer(READER), null, null);
        contract.expect(401, at, "GET", "/prometheus", "/prometheus", Map.of(), null, null);
        contract.expect(403, at, "GET", "/prometheus", "/prometheus", ContractCheck.bearer(INGEST), null, null);
        contract.expect(200, at, "GET", "/health/liveness", "/health/{selector}", Map.of(), null, null);
        contract.expect(503, down.getURI(), "GET", "/health", "/health", Map.of(), null, null);
        contract.expect(503, down.getURI(), "GET", "/health/readiness", "/health/{selector}", Map.of(), null, null);
        contract.expect(200, at, "GET", "/health", "/health", Map.of(), null, null);

        // Leave nothing going for the module's other tests: the run ends, and the nightly sync is off again.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> contract.send(at, "GET", "/v1/runs/" + id.group(1),
                ContractCheck.bearer(READER), null, null).body().matches("(?s).*\"state\":\"(SUCCEEDED|FAILED|SKIPPED)\".*"));
        kafka.send(Topics.SETTINGS.name(), Topics.SETTINGS_KEY, SyncSettings.newBuilder().setNightlySyncEnabled(false).build());
    }

    @Test
    void noRouteExistsThatTheContractDoesNotList() {
        contract.assertRoutesAreTheContract(live.getApplicationContext().getBean(Router.class).uriRoutes()
                .map(route -> (UriRouteInfo<?, ?>) route).map(route -> route.getHttpMethodName() + " " + route.getUriMatchTemplate().toPathString()));
    }

    /** Runs last (the methods run in name order): every documented answer was provoked. */
    @Test
    void zzEveryDocumentedAnswerWasProvoked() {
        contract.assertEveryAnswerProvoked(Set.of());
    }
}
