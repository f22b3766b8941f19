package dev.unsubsync.pusher;

import dev.unsubsync.testsupport.ContractCheck;
import dev.unsubsync.testsupport.EmulatorClient;
import dev.unsubsync.testsupport.FreePorts;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.ServiceProcess;
import dev.unsubsync.testsupport.TestInfrastructure;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pusher's contract, as it serves it at {@code /openapi}, held against the running pusher ({@link ContractCheck}):
 * every documented answer of every route, over the real broker and registry and the Salesforce emulator; then the
 * emulator is stopped for Salesforce's outage (502). A second pusher, its Kafka unreachable, is not healthy (503).
 */
@ExtendWith(RealInfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.MethodName.class)
class ApiContractTest {

    private static final String TOKEN = "pusher-contract-token-0123456789abcdef";
    /** A key without the read scope every pusher route needs. */
    private static final String INGEST = "pusher-contract-ingest-0123456789abcd";

    private ServiceProcess emulator;
    private EmbeddedServer live;
    private EmbeddedServer down;
    private ContractCheck contract;
    private String contactId;

    @BeforeAll
    void start() throws Exception {
        int port = FreePorts.one();
        String url = "http://127.0.0.1:" + port;
        emulator = ServiceProcess.start("salesforce-emulator", ServiceProcess.projectRoot(), "salesforce-emulator", "dev.unsubsync.emulator.Application",
                Map.of("micronaut.server.port", String.valueOf(port), "emulator.client-id", "contract", "emulator.client-secret", "contract-secret"),
                List.of("-Xmx128m"), Path.of(System.getProperty("java.io.tmpdir"), "pusher-contract-emulator.log"), URI.create(url + "/health"),
                Duration.ofSeconds(60));
        contactId = new EmulatorClient(url, "contract", "contract-secret").create("Contact", Map.of("Email", "contract@example.com", "LastName", "Contract"));
        Path keys = java.nio.file.Files.createTempFile("pusher-contract-keys", ".properties");
        java.nio.file.Files.writeString(keys, "crm=" + INGEST + " ingest\n");
        Map<String, Object> common = new HashMap<>();
        common.put("salesforce.login-url", url);
        common.put("salesforce.client-id", "contract");
        common.put("salesforce.client-secret", "contract-secret");
        common.put("pusher.api-token", TOKEN);
        common.put("pusher.api-keys-file", keys.toString());
        common.put("micronaut.server.port", "-1");
        Map<String, Object> liveProperties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        liveProperties.putAll(common);
        live = ApplicationContext.run(EmbeddedServer.class, liveProperties);
        Map<String, Object> downProperties = new HashMap<>(common);
        downProperties.put("kafka.bootstrap.servers", "127.0.0.1:9");
        // Its start-up need not wait the default 15 s for topics on a broker that is not there.
        downProperties.put("topic-setup.start-up-wait", "2s");
        downProperties.put("kafka.apicurio.registry.url", "http://127.0.0.1:9/apis/registry/v3");
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
    void everyDocumentedAnswerHoldsAgainstTheRunningPusher() {
        URI at = live.getURI();
        String[][] reads = {{"/v1/salesforce/fields", "/v1/salesforce/fields"}, {"/v1/salesforce/fields/search?label=Opt", "/v1/salesforce/fields/search"},
                {"/v1/salesforce/people/" + contactId, "/v1/salesforce/people/{id}"},
                {"/v1/salesforce/people?email=contract%40example.com", "/v1/salesforce/people"},
                {"/v1/salesforce/limits", "/v1/salesforce/limits"}};
        for (String[] read : reads) {
            contract.expect(200, at, "GET", read[0], read[1], ContractCheck.bearer(TOKEN), null, null);
            contract.expect(401, at, "GET", read[0], read[1], Map.of(), null, null);
            contract.expect(403, at, "GET", read[0], read[1], ContractCheck.bearer(INGEST), null, null);
        }
        contract.expect(400, at, "GET", "/v1/salesforce/fields/search", "/v1/salesforce/fields/search", ContractCheck.bearer(TOKEN), null, null);
        contract.expect(400, at, "GET", "/v1/salesforce/people/not-an-id", "/v1/salesforce/people/{id}", ContractCheck.bearer(TOKEN), null, null);
        contract.expect(404, at, "GET", "/v1/salesforce/people/003000000000099AAA", "/v1/salesforce/people/{id}", ContractCheck.bearer(TOKEN), null, null);
        contract.expect(400, at, "GET", "/v1/salesforce/people?email=nope", "/v1/salesforce/people", ContractCheck.bearer(TOKEN), null, null);
        contract.expect(200, at, "GET", "/openapi", "/openapi", Map.of(), null, null);
        contract.expect(303, at, "GET", "/openapi/ui", "/openapi/ui", Map.of(), null, null);
        contract.expect(200, at, "GET", "/prometheus", "/prometheus", ContractCheck.bearer(TOKEN), null, null);
        contract.expect(401, at, "GET", "/prometheus", "/prometheus", Map.of(), null, null);
        contract.expect(403, at, "GET", "/prometheus", "/prometheus", ContractCheck.bearer(INGEST), null, null);
        contract.expect(200, at, "GET", "/health", "/health", Map.of(), null, null);
        contract.expect(200, at, "GET", "/health/liveness", "/health/{selector}", Map.of(), null, null);
        contract.expect(503, down.getURI(), "GET", "/health", "/health", Map.of(), null, null);
        contract.expect(503, down.getURI(), "GET", "/health/readiness", "/health/{selector}", Map.of(), null, null);

        // Salesforce gone: every read says so.
        emulator.close();
        emulator = null;
        for (String[] read : reads) {
            contract.expect(502, at, "GET", read[0], read[1], ContractCheck.bearer(TOKEN), null, null);
        }
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
