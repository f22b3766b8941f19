package dev.unsubsync.capture.history;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.schemas.EventClasses;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.FreePorts;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.ServiceProcess;
import dev.unsubsync.testsupport.TestInfrastructure;
import dev.unsubsync.testsupport.TopicClients;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /v1/unsubscribes/{person}} over two capture instances (this one, and one as its own process) sharing the
 * history's partitions: every person answers the same on both, whichever instance holds them; the instances ask each
 * other with their own credential, never the caller's; a console logout on one holds on the other.
 */
@ExtendWith(RealInfrastructureExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryApiTest implements TestPropertyProvider {

    private static final String TOKEN = "history-token";
    /** A read-only key known to this instance alone (the other has no keys file). */
    private static final String READER_KEY = "history-reader-key-0123456789";
    private static final String SECRET = "test-one-click-secret-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EmbeddedServer server;

    private final HttpClient http = HttpClient.newHttpClient();
    private ServiceProcess other;
    private String otherUrl;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        properties.put("capture.api-token", TOKEN);
        properties.put("capture.signing-secret", SECRET);
        properties.put("micronaut.server.port", "-1");
        try {
            Path keys = java.nio.file.Files.createTempFile("history-api-keys", ".properties");
            java.nio.file.Files.writeString(keys, "reader=" + READER_KEY + " read\n");
            properties.put("capture.api-keys-file", keys.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return properties;
    }

    @AfterAll
    void stopOther() {
        if (other != null) {
            other.close();
        }
    }

    @org.junit.jupiter.api.BeforeAll
    void startOther() throws Exception {
        EventClasses.trust();
        int port = FreePorts.one();
        Map<String, String> properties = new HashMap<>(getProperties());
        properties.put("micronaut.server.port", String.valueOf(port));
        properties.remove("capture.api-keys-file");
        otherUrl = "http://127.0.0.1:" + port;
        other = ServiceProcess.start("unsubscribe-capture-2", ServiceProcess.projectRoot(), "unsubscribe-capture", "dev.unsubsync.capture.Application",
                properties, List.of("-Xmx256m"), Path.of(System.getProperty("java.io.tmpdir"), "history-api-test-capture.log"),
                URI.create(otherUrl + "/health/liveness"), Duration.ofSeconds(90));
    }

    @Test
    void eachPersonsStateAndHistoryAnswerTheSameOnEveryInstance() throws Exception {

        // Unsubscribes per day and source: each instance counts its own partitions; either answers the sum of both.
        long before = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> dailyLinkClicksToday(server.getURI() + "/v1/admin/daily?days=2"), n -> n >= 0);

        List<String> people = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String email = "History." + i + "." + UUID.randomUUID() + "@Example.com";
            people.add(email);
            HttpResponse<String> accepted = send("POST", server.getURI() + "/v1/unsubscribes",
                    "{\"email\":\"" + email + "\",\"source\":\"link_click\",\"reason\":\"too many\",\"salesforceId\":\"003Dn0000000001IAA\"}");
            assertEquals(202, accepted.statusCode(), accepted.body());
            String eventId = (String) JSON.readValue(accepted.body(), new TypeReference<Map<String, Object>>() {
            }).get("eventId");
            TopicClients.of(TestInfrastructure.get()).send(Topics.PUSH_RESULTS.name(), PersonKey.of(email), OptOutPushResult.newBuilder()
                    .setUnsubscribeEventId(eventId).setEmail(email).setSalesforceId("003Dn0000000001IAA").setObjectType("Contact")
                    .setFieldsWritten(List.of("HasOptedOutOfEmail")).setOutcome(PushOutcome.WRITTEN).setDecidedAt(Instant.now()).build());
        }
        String removed = people.getFirst();
        assertEquals(202, send("DELETE", server.getURI() + "/v1/unsubscribes/" + removed + "?reason=asked", null).statusCode());

        for (String email : people) {
            for (String instance : List.of(server.getURI().toString(), otherUrl)) {
                Map<String, Object> person = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> personAt(instance, email), answer -> answer != null && historySize(answer) == (email.equals(removed) ? 3 : 2));
                assertEquals(PersonKey.of(email), person.get("person"));
                assertEquals(!email.equals(removed), person.get("unsubscribed"), email + " at " + instance);
                assertEquals(List.of(), person.get("topics"), "no topic left: the key is there, empty");
                @SuppressWarnings("unchecked")
                Map<String, Object> salesforce = (Map<String, Object>) person.get("salesforce");
                assertEquals("WRITTEN", salesforce.get("outcome"), "what Salesforce answered");
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> history = (List<Map<String, Object>>) person.get("history");
                assertEquals("RECORDED", history.getFirst().get("kind"));
                assertEquals("LINK_CLICK", history.getFirst().get("source"));
                assertEquals("api", history.getFirst().get("origin"));
                assertEquals(email, history.getFirst().get("email"), "the address as received");
            }
        }
        long here = dailyLinkClicksToday(server.getURI() + "/v1/admin/daily?days=2");
        assertTrue(here >= before + 8, "the 8 link clicks are counted: " + before + " before, " + here + " after");
        assertEquals(here, dailyLinkClicksToday(otherUrl + "/v1/admin/daily?days=2"), "both instances answer the same sum");
        assertEquals(here, dailyLinkClicksToday(server.getURI() + "/v1/admin/daily?days=2&local=true")
                + dailyLinkClicksToday(otherUrl + "/v1/admin/daily?days=2&local=true"), "the sum of what each instance holds");
        assertEquals(400, send("GET", otherUrl + "/v1/admin/daily?days=0", null).statusCode());

        assertEquals(404, send("GET", otherUrl + "/v1/unsubscribes/nobody-" + UUID.randomUUID() + "@example.com", null).statusCode());
        assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(otherUrl + "/v1/unsubscribes/" + removed)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertTrue(send("GET", server.getURI() + "/v1/unsubscribes/not-an-address", null).statusCode() == 400);
    }

    @Test
    void peersAskEachOtherWithTheirOwnCredentialNeverTheCallers() throws Exception {
        // A person the other instance holds: asked there with forwarded=true, it answers rather than pointing back here.
        String held = null;
        for (int i = 0; i < 64 && held == null; i++) {
            String email = "Peer." + i + "." + UUID.randomUUID() + "@example.com";
            assertEquals(202, send("POST", server.getURI() + "/v1/unsubscribes", "{\"email\":\"" + email + "\",\"source\":\"api\"}").statusCode());
            HttpResponse<String> there = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                    .until(() -> send("GET", otherUrl + "/v1/unsubscribes/" + email + "?forwarded=true", null),
                            r -> r.statusCode() == 200 || r.statusCode() == 503
                                    && r.body().contains("holds it now"));
            held = there.statusCode() == 200 ? email : null;
        }
        assertTrue(held != null, "some person is held by the other instance");

        // The reader key exists on this instance only: the other can answer only if it is asked with the peers' own credential.
        HttpResponse<String> forwarded = http.send(HttpRequest.newBuilder(URI.create(server.getURI() + "/v1/unsubscribes/" + held))
                .header("Authorization", "Bearer " + READER_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, forwarded.statusCode(), forwarded.body());
        assertEquals(PersonKey.of(held), JSON.readValue(forwarded.body(), new TypeReference<Map<String, Object>>() {
        }).get("person"));

        // The peer credential is good for exactly the request it was made for, and only to read.
        var peers = new dev.unsubsync.capture.history.PeerCredential(SECRET, java.time.Clock.systemUTC());
        String path = "/v1/unsubscribes/" + held + "?forwarded=true";
        assertEquals(200, peerCall("GET", path, peers.sign("GET", path)).statusCode());
        assertEquals(401, peerCall("GET", "/v1/admin/daily?local=true&days=1", peers.sign("GET", path)).statusCode(), "signed for another path");
        assertEquals(401, peerCall("GET", path, "1.AAAA").statusCode(), "stale and wrong");
        assertEquals(401, peerCall("DELETE", "/v1/unsubscribes/" + held, peers.sign("DELETE", "/v1/unsubscribes/" + held)).statusCode(), "peers only read");
        var stale = new dev.unsubsync.capture.history.PeerCredential(SECRET, java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofMinutes(-5)));
        assertEquals(401, peerCall("GET", path, stale.sign("GET", path)).statusCode(), "five minutes old");
    }

    @Test
    void loggingOutEndsTheSessionOnEveryInstance() throws Exception {
        HttpResponse<String> refused = login(READER_KEY);
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("'admin'"), refused.body());

        HttpResponse<String> login = login(TOKEN);
        assertEquals(200, login.statusCode(), login.body());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        // The same cookie opens the other instance's API: sessions are signed with the shared secret.
        assertEquals(200, await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> withCookie("GET", otherUrl + "/v1/settings", cookie).statusCode(), code -> code == 200));

        assertEquals(204, withCookie("DELETE", server.getURI() + "/admin/session", cookie).statusCode());
        assertEquals(401, withCookie("GET", server.getURI() + "/v1/settings", cookie).statusCode(), "ended here at once");
        // Anyone holding a copy of the cookie finds it dead on the other instance too, as soon as the logout reaches it.
        assertEquals(401, await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> withCookie("GET", otherUrl + "/v1/settings", cookie).statusCode(), code -> code == 401));
        assertEquals(401, withCookie("GET", otherUrl + "/admin/session", cookie).statusCode());
    }

    private HttpResponse<String> login(String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.getURI() + "/admin/session")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"apiKey\":\"" + key + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> withCookie(String method, String url, String cookie) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).header("X-Unsubsync-Console", "1")
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> peerCall(String method, String pathAndQuery, String credential) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(otherUrl + pathAndQuery)).header("X-Unsubsync-Peer", credential)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** LINK_CLICK unsubscribes of yesterday and today (UTC) from a daily answer, or -1 while the instance cannot answer or a peer did not. */
    private long dailyLinkClicksToday(String url) throws Exception {
        HttpResponse<String> response = send("GET", url, null);
        if (response.statusCode() != 200) {
            return -1;
        }
        Map<String, Object> daily = JSON.readValue(response.body(), new TypeReference<>() {
        });
        if (!Boolean.TRUE.equals(daily.get("complete"))) {
            return -1;
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> days = (List<Map<String, Object>>) daily.get("days");
        assertEquals(2, days.size(), "one entry per day asked for, empty days included");
        long total = 0;
        for (Map<String, Object> day : days) {
            // Yesterday and today (UTC): a run across midnight still sees every event in the window.
            @SuppressWarnings("unchecked")
            Map<String, Object> counts = (Map<String, Object>) day.get("counts");
            Object n = counts == null ? null : counts.get("LINK_CLICK");
            total += n == null ? 0 : ((Number) n).longValue();
        }
        return total;
    }

    private static int historySize(Map<String, Object> person) {
        return ((List<?>) person.get("history")).size();
    }

    private Map<String, Object> personAt(String instance, String email) throws Exception {
        HttpResponse<String> response = send("GET", instance + "/v1/unsubscribes/" + email, null);
        return response.statusCode() == 200 ? JSON.readValue(response.body(), new TypeReference<>() {
        }) : null;
    }

    private HttpResponse<String> send(String method, String url, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
