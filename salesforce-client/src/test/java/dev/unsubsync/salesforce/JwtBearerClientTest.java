package dev.unsubsync.salesforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.testsupport.EmulatorClient;
import dev.unsubsync.testsupport.FreePorts;
import dev.unsubsync.testsupport.ServiceProcess;
import io.micronaut.json.JsonMapper;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OAuth 2.0 JWT bearer flow end to end: our client signs, the emulator verifies against the app's public key. */
class JwtBearerClientTest {

    private static final String USER = "integration@example.com";
    private static KeyPair appKey;
    private static ServiceProcess emulator;
    private static String url;

    @BeforeAll
    static void startEmulatorWithTheAppsCertificate() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        appKey = generator.generateKeyPair();
        int port = FreePorts.one();
        url = "http://127.0.0.1:" + port;
        emulator = ServiceProcess.start("salesforce-emulator", ServiceProcess.projectRoot(), "salesforce-emulator",
                "dev.unsubsync.emulator.Application",
                Map.of("micronaut.server.port", String.valueOf(port), "emulator.client-id", "jwt-app", "emulator.client-secret", "unused",
                        "emulator.jwt-public-key", pem("PUBLIC KEY", appKey.getPublic().getEncoded()), "emulator.jwt-username", USER),
                List.of("-Xmx128m"), Path.of(System.getProperty("java.io.tmpdir"), "jwt-test-emulator.log"),
                URI.create(url + "/health"), Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static Outcome<List<RecordResult>> update(KeyPair key, String audience, String username) throws Exception {
        SalesforceConfiguration config = new SalesforceConfiguration();
        config.setLoginUrl(url);
        config.setClientId("jwt-app");
        config.setAuthFlow(SalesforceConfiguration.AuthFlow.JWT_BEARER);
        config.setJwtPrivateKey(pem("PRIVATE KEY", key.getPrivate().getEncoded()));
        config.setJwtUsername(username);
        config.setJwtAudience(audience);
        EmulatorClient salesforce = new EmulatorClient(url, "jwt-app", "unused");
        String contact = salesforce.create("Contact", Map.of("LastName", "Jwt"));
        return new SalesforceClient(config, JsonMapper.createDefault()).update(List.of(new RecordUpdate("Contact", contact, List.of("HasOptedOutOfEmail"))));
    }

    @Test
    void signedAssertionGetsASessionAndTheWriteGoesThrough() throws Exception {
        Outcome<List<RecordResult>> outcome = update(appKey, "https://login.salesforce.com", USER);
        assertTrue(SalesforceClientTest.saved(outcome).getFirst().success());
    }

    @Test
    void assertionSignedWithAnotherKeyIsAnInvalidGrant() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        Outcome.AuthFailed<?> failed = assertInstanceOf(Outcome.AuthFailed.class, update(generator.generateKeyPair(), "https://login.salesforce.com", USER));
        assertEquals("invalid_grant", failed.errorCode());
        assertEquals("invalid assertion", failed.message());
    }

    @Test
    void wrongAudienceIsRefused() throws Exception {
        Outcome.AuthFailed<?> failed = assertInstanceOf(Outcome.AuthFailed.class, update(appKey, "https://example.com", USER));
        assertEquals("audience is invalid", failed.message());
    }

    @Test
    void userNotApprovedForTheAppIsRefused() throws Exception {
        Outcome.AuthFailed<?> failed = assertInstanceOf(Outcome.AuthFailed.class, update(appKey, "https://login.salesforce.com", "someone@else.com"));
        assertEquals("user hasn't approved this consumer", failed.message());
    }
}
