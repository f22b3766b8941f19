package dev.unsubsync.capture.oneclick;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.TestInfrastructure;
import dev.unsubsync.testsupport.TopicClients;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** One-click unsubscribe (RFC 8058) and an admin's removal, over HTTP against the real broker and registry. */
@ExtendWith(RealInfrastructureExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneClickApiTest implements TestPropertyProvider {

    @Inject
    EmbeddedServer server;
    @Inject
    JsonMapper json;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        properties.put("capture.api-token", "t");
        properties.put("capture.signing-secret", "test-one-click-secret-0123456789abcdef");
        properties.put("micronaut.server.port", "-1");
        return properties;
    }

    @Test
    void linkHeadersPointAtAUrlWhosePostUnsubscribesAndWhoseGetNeverDoes() throws Exception {
        String email = "one.click." + UUID.randomUUID() + "@example.com";
        HttpResponse<String> created = send("POST", "/v1/one-click-links",
                "{\"email\":\"" + email + "\",\"salesforceId\":\"003Dn0000000001IAA\",\"campaign\":\"winter\"}",
                "application/json", "Bearer t");
        assertEquals(200, created.statusCode(), created.body());
        Map<String, Object> link = json.readValue(created.body(), Argument.mapOf(String.class, Object.class));
        String url = (String) link.get("url");
        Map<?, ?> headers = (Map<?, ?>) link.get("headers");
        assertEquals("<" + url + ">", headers.get("List-Unsubscribe"));
        assertEquals("List-Unsubscribe=One-Click", headers.get("List-Unsubscribe-Post"));
        String path = URI.create(url).getPath();

        HttpResponse<String> page = send("GET", path, null, null, null);
        assertEquals(200, page.statusCode());
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(null), "the page cannot be framed to trick a click");
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(null), "the link's token leaks to no one");
        assertTrue(page.body().contains("<button"), page.body());

        HttpResponse<String> unsubscribed = send("POST", path, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded", null);
        assertEquals(200, unsubscribed.statusCode(), unsubscribed.body());
        assertTrue(unsubscribed.headers().firstValue("Location").isEmpty(), "no redirect");
        assertEquals(200, send("POST", path, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded", null).statusCode(), "again: harmless");

        eventsFor(email, e -> e instanceof UnsubscribeRecorded, 1);
        List<Object> events = TopicClients.of(TestInfrastructure.get()).collectAvro(Topics.UNSUBSCRIBE_EVENTS.name(),
                r -> r.key().equals(email.toLowerCase()) && r.value() instanceof UnsubscribeRecorded, found -> false, Duration.ofSeconds(3))
                .stream().map(ConsumerRecord::value).toList();
        UnsubscribeRecorded first = (UnsubscribeRecorded) events.getFirst();
        assertEquals(UnsubscribeSource.ONE_CLICK, first.getSource());
        assertEquals("003Dn0000000001IAA", first.getSalesforceId());
        assertEquals(1, events.size(), "the GET recorded nothing; the same link posted twice the same day is one unsubscribe");
    }

    @Test
    void theSameLinkClickedAgainTheSameDayAfterARemovalUnsubscribesAgain() throws Exception {
        String email = "clicked.again." + UUID.randomUUID() + "@example.com";
        String path = URI
                .create((String) json.readValue(send("POST", "/v1/one-click-links", "{\"email\":\"" + email + "\"}", "application/json", "Bearer t").body(),
                        Argument.mapOf(String.class, Object.class)).get("url"))
                .getPath();
        String person = "/v1/unsubscribes/" + URLEncoder.encode(email, StandardCharsets.UTF_8);
        assertEquals(200, send("POST", path, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded", null).statusCode());
        assertEquals(202, send("DELETE", person + "?reason=asked%20by%20phone", null, null, "Bearer t").statusCode());
        await().atMost(Duration.ofSeconds(30)).until(() -> send("GET", person, null, null, "Bearer t").body(), body -> body.contains("\"REMOVED\""));

        assertEquals(200, send("POST", path, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded", null).statusCode());
        assertEquals(200, send("POST", path, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded", null).statusCode(), "again: harmless");

        List<Object> clicks = eventsFor(email, e -> e instanceof UnsubscribeRecorded, 2);
        assertEquals(2, clicks.stream().map(e -> ((UnsubscribeRecorded) e).getEventId()).distinct().count(), "a new event after the removal: " + clicks);
        await().atMost(Duration.ofSeconds(30)).until(() -> send("GET", person, null, null, "Bearer t").body(), body -> body.contains("\"unsubscribed\":true"));
        assertEquals(2, TopicClients.of(TestInfrastructure.get()).collectAvro(Topics.UNSUBSCRIBE_EVENTS.name(),
                r -> r.key().equals(email.toLowerCase()) && r.value() instanceof UnsubscribeRecorded, found -> false, Duration.ofSeconds(3)).size(),
                "the click repeated after the removal is one unsubscribe");
    }

    @Test
    void multipartOneClickPostUnsubscribesToo() throws Exception {
        String email = "multipart." + UUID.randomUUID() + "@example.com";
        String path = URI
                .create((String) json.readValue(send("POST", "/v1/one-click-links", "{\"email\":\"" + email + "\"}", "application/json", "Bearer t").body(),
                        Argument.mapOf(String.class, Object.class)).get("url"))
                .getPath();
        String boundary = "----b" + UUID.randomUUID();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--" + boundary + "--\r\n";
        assertEquals(200, send("POST", path, body, "multipart/form-data; boundary=" + boundary, null).statusCode());
        assertEquals(1, eventsFor(email, e -> e instanceof UnsubscribeRecorded, 1).size());
    }

    @Test
    void aMalformedPercentEscapeInTheFormIsA400NotA500() throws Exception {
        String path = URI.create(
                (String) json.readValue(send("POST", "/v1/one-click-links", "{\"email\":\"percent@example.com\"}", "application/json", "Bearer t").body(),
                        Argument.mapOf(String.class, Object.class)).get("url"))
                .getPath();
        HttpResponse<String> malformed = send("POST", path, "List-Unsubscribe=%ZZ", "application/x-www-form-urlencoded", null);
        assertEquals(400, malformed.statusCode(), malformed.body());
    }

    @Test
    void alteredTokenAndMissingMarkerAreRefused() throws Exception {
        assertEquals(404,
                send("POST", "/u/bm90LWEtdG9rZW4.c2lnbmF0dXJl", "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded", null).statusCode());
        String path = URI.create(
                (String) json.readValue(send("POST", "/v1/one-click-links", "{\"email\":\"marker@example.com\"}", "application/json", "Bearer t").body(),
                        Argument.mapOf(String.class, Object.class)).get("url"))
                .getPath();
        assertEquals(400, send("POST", path, "something=else", "application/x-www-form-urlencoded", null).statusCode());
        assertEquals(401, send("POST", "/v1/one-click-links", "{\"email\":\"x@example.com\"}", "application/json", null).statusCode());
    }

    @Test
    void adminRemovalRecordsUnsubscribeRemovedWithWhoAndWhy() throws Exception {
        String email = "removed." + UUID.randomUUID() + "@example.com";
        HttpResponse<String> removed = send("DELETE", "/v1/unsubscribes/" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "?reason=asked%20by%20phone",
                null, null, "Bearer t");
        assertEquals(202, removed.statusCode(), removed.body());
        UnsubscribeRemoved event = (UnsubscribeRemoved) eventsFor(email, e -> e instanceof UnsubscribeRemoved, 1).getFirst();
        assertEquals("asked by phone", event.getReason());
        assertEquals("api", event.getRemovedBy());
        assertEquals(400, send("DELETE", "/v1/unsubscribes/not-an-email", null, null, "Bearer t").statusCode());
    }

    private HttpResponse<String> send(String method, String path, String body, String contentType, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.getURI().resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<Object> eventsFor(String email, Predicate<Object> kind, int atLeast) {
        return TopicClients.of(TestInfrastructure.get()).readAvro(Topics.UNSUBSCRIBE_EVENTS.name(),
                r -> r.key().equals(email.toLowerCase()) && kind.test(r.value()), atLeast, Duration.ofSeconds(30))
                .stream().map(ConsumerRecord::value).toList();
    }
}
