package dev.unsubsync.pusher.push;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.pusher.fields.FieldCheckRunner;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.EmulatorClient;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The product's rules over the real broker, the real registry and the emulator: settings changed on the settings topic,
 * fields removed and reinstalled, Leads converted, all seen through Salesforce's own API.
 */
@ExtendWith(RealInfrastructureExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PushRulesTest implements TestPropertyProvider {

    private static final String MARKETO = "Marketo_Sales_Opt_Out__c";

    @Inject
    SettingsView settingsView;
    @Inject
    FieldCheckRunner fieldCheck;
    @Inject
    EmbeddedServer server;

    private ServiceProcess emulator;
    private EmulatorClient salesforce;

    @Override
    public Map<String, String> getProperties() {
        try {
            int port = FreePorts.one();
            String url = "http://127.0.0.1:" + port;
            emulator = ServiceProcess.start("salesforce-emulator", ServiceProcess.projectRoot(), "salesforce-emulator",
                    "dev.unsubsync.emulator.Application",
                    Map.of("micronaut.server.port", String.valueOf(port), "emulator.client-id", "rules", "emulator.client-secret", "rules-secret"),
                    List.of("-Xmx128m"), Path.of(System.getProperty("java.io.tmpdir"), "push-rules-emulator.log"),
                    URI.create(url + "/health"), Duration.ofSeconds(60));
            salesforce = new EmulatorClient(url, "rules", "rules-secret");
            Map<String, String> properties = new HashMap<>(TestInfrastructure.get().micronautProperties());
            properties.put("salesforce.login-url", url);
            properties.put("salesforce.client-id", "rules");
            properties.put("salesforce.client-secret", "rules-secret");
            properties.put("pusher.retry-initial-backoff", "100ms");
            properties.put("pusher.retry-max-backoff", "1s");
            properties.put("micronaut.server.port", "-1");
            properties.put("pusher.api-token", "rules-api-token-0123456789");
            return properties;
        } catch (Exception e) {
            throw new IllegalStateException("could not start the emulator", e);
        }
    }

    @AfterEach
    void backToDefaults() throws Exception {
        saveSettings(SyncSettings.newBuilder().build());
        salesforce.admin("POST", "/reset", null);
        fieldCheck.check();
    }

    @AfterAll
    void stopEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void theFieldCheckApiSaysWhichSelectedFieldCannotBeWrittenAndWhatToDo() throws Exception {
        saveSettings(SyncSettings.newBuilder().setNightlySyncEnabled(true).setSyncToEmailOptOut(true).setSyncToMarketoSalesOptOut(true).build());
        salesforce.admin("PUT", "/fields/Lead/" + MARKETO, "{\"access\":\"READ_ONLY\"}");

        HttpResponse<String> report = api("/v1/salesforce/fields", "rules-api-token-0123456789");
        assertEquals(200, report.statusCode(), report.body());
        assertTrue(report.body().contains("\"selectedFieldsWritable\":false"), report.body());
        assertTrue(report.body().contains("\"object\":\"Lead\",\"role\":\"marketoSalesOptOut\",\"apiName\":\"" + MARKETO
                + "\",\"selected\":true,\"exists\":true,\"updateable\":false"), report.body());
        assertTrue(report.body().contains("Set Field-Level Security"), report.body());

        HttpResponse<String> unknown = api("/v1/salesforce/fields?marketoField=Not_There__c", "rules-api-token-0123456789");
        assertTrue(unknown.body().contains("\"apiName\":\"Not_There__c\",\"selected\":true,\"exists\":false"), unknown.body());
        assertTrue(unknown.body().contains("Add Not_There__c to the Contact page layout."), unknown.body());

        HttpResponse<String> found = api("/v1/salesforce/fields/search?label=marketo%20sales", "rules-api-token-0123456789");
        assertTrue(found.body().contains("\"object\":\"Contact\",\"apiName\":\"" + MARKETO + "\",\"label\":\"Marketo Sales Opt Out\""), found.body());
        assertEquals(400, api("/v1/salesforce/fields/search", "rules-api-token-0123456789").statusCode());

        String contact = salesforce.create("Contact", Map.of("LastName", "Lookup", "FirstName", "Lou", "Email", "lou@example.com", "HasOptedOutOfEmail", true));
        HttpResponse<String> person = api("/v1/salesforce/people/" + contact.substring(0, 15), "rules-api-token-0123456789");
        assertEquals("{\"object\":\"Contact\",\"id\":\"" + contact + "\",\"email\":\"lou@example.com\",\"name\":\"Lou Lookup\",\"hasOptedOutOfEmail\":true,"
                + "\"marketoSalesOptOutField\":\"" + MARKETO + "\",\"marketoSalesOptOut\":false}", person.body());
        assertEquals(400, api("/v1/salesforce/people/001Dn0000000001", "rules-api-token-0123456789").statusCode());

        HttpResponse<String> limits = api("/v1/salesforce/limits", "rules-api-token-0123456789");
        assertTrue(limits.body().contains("\"dailyApiRequestsRemaining\":"), limits.body());
        assertEquals(401, api("/v1/salesforce/limits", "wrong-token-0123456789").statusCode());
    }

    private HttpResponse<String> api(String path, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.getURI().resolve(path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anUnsubscribeFromOneTopicIsNeverWidenedIntoSalesforcesAllEmailOptOut() throws Exception {
        String contact = salesforce.create("Contact", Map.of("LastName", "Topic"));
        UnsubscribeRecorded scoped = UnsubscribeRecorded.newBuilder(event("topic@example.com", contact)).setTopic("sendgrid:asm-group:42").build();

        OptOutPushResult result = awaitResults(produce(scoped), 1).getFirst();
        assertEquals(PushOutcome.SKIPPED_TOPIC, result.getOutcome());
        assertEquals(Boolean.FALSE, salesforce.get("Contact", contact).get("HasOptedOutOfEmail"));
    }

    @Test
    void pushesToEmailOptOutWhenSyncDisabled() throws Exception {
        saveSettings(SyncSettings.newBuilder().setNightlySyncEnabled(false).setSyncToEmailOptOut(false).setSyncToMarketoSalesOptOut(true).build());
        String contact = salesforce.create("Contact", Map.of("LastName", "Disabled"));

        assertEquals(PushOutcome.WRITTEN, awaitResults(produce(event("disabled@example.com", contact)), 1).getFirst().getOutcome());
        Map<String, Object> record = salesforce.get("Contact", contact);
        assertEquals(Boolean.TRUE, record.get("HasOptedOutOfEmail"));
        assertEquals(Boolean.FALSE, record.get(MARKETO));
    }

    @Test
    void writesTheSelectedMarketoFieldWhenSyncIsEnabled() throws Exception {
        saveSettings(SyncSettings.newBuilder().setNightlySyncEnabled(true).setSyncToEmailOptOut(false).setSyncToMarketoSalesOptOut(true).build());
        String lead = salesforce.create("Lead", Map.of("LastName", "Marketo", "Company", "Acme"));

        awaitResults(produce(event("marketo@example.com", lead)), 1);
        Map<String, Object> record = salesforce.get("Lead", lead);
        assertEquals(Boolean.TRUE, record.get(MARKETO));
        assertEquals(Boolean.FALSE, record.get("HasOptedOutOfEmail"), "only the selected field is written");
    }

    @Test
    void missingFieldIsParkedAndPushedByItselfOnceInstalled() throws Exception {
        saveSettings(SyncSettings.newBuilder().setNightlySyncEnabled(true).setSyncToEmailOptOut(true).setSyncToMarketoSalesOptOut(true).build());
        salesforce.admin("PUT", "/fields/marketo", "{\"installed\":false}");
        fieldCheck.check();
        String contact = salesforce.create("Contact", Map.of("LastName", "Parked"));

        String eventId = produce(event("parked@example.com", contact));
        List<OptOutPushResult> results = awaitResults(eventId, 2);
        assertEquals(List.of(PushOutcome.WRITTEN, PushOutcome.PARKED), results.stream().map(OptOutPushResult::getOutcome).toList());
        assertEquals(Boolean.TRUE, salesforce.get("Contact", contact).get("HasOptedOutOfEmail"), "Email Opt Out is not held back");
        String health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.getURI().resolve("/health"))
                .header("Authorization", "Bearer rules-api-token-0123456789").build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(health.contains(MARKETO) && health.contains("does not exist on Contact"), health);

        salesforce.admin("PUT", "/fields/marketo", "{\"installed\":true}");
        fieldCheck.check();
        await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(salesforce.get("Contact", contact).get(MARKETO)));
        assertEquals(PushOutcome.WRITTEN, awaitResults(eventId, 3).get(2).getOutcome());
    }

    @Test
    void convertedLeadIsFollowedToItsContact() throws Exception {
        String lead = salesforce.create("Lead", Map.of("LastName", "Converted", "Company", "Acme", "Email", "converted@example.com"));
        String contact = (String) salesforce.admin("POST", "/leads/" + lead + "/convert", "{}").get("convertedContactId");

        OptOutPushResult result = awaitResults(produce(event("converted@example.com", lead)), 1).getFirst();
        assertEquals(PushOutcome.WRITTEN, result.getOutcome());
        assertEquals(contact, result.getSalesforceId());
        assertEquals(Boolean.TRUE, salesforce.get("Contact", contact).get("HasOptedOutOfEmail"));
    }

    @Test
    void aConvertedLeadFoundByEmailIsWrittenAtItsContact() throws Exception {
        String email = "converted.by.email." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String lead = salesforce.create("Lead", Map.of("LastName", "Converted", "Company", "Acme", "Email", email));
        String contact = (String) salesforce.admin("POST", "/leads/" + lead + "/convert", "{}").get("convertedContactId");

        String eventId = produce(event(email, null));
        awaitResults(eventId, 1);
        // Every result the event has, not only the first: the Contact once, never the converted Lead as well.
        List<String> written = TopicClients.of(TestInfrastructure.get()).collectAvro(Topics.PUSH_RESULTS.name(),
                r -> ((OptOutPushResult) r.value()).getUnsubscribeEventId().equals(eventId), found -> false, Duration.ofSeconds(3))
                .stream().map(r -> ((OptOutPushResult) r.value()).getSalesforceId()).toList();

        assertEquals(List.of(contact), written);
        assertEquals(Boolean.TRUE, salesforce.get("Contact", contact).get("HasOptedOutOfEmail"));
    }

    @Test
    void mergedRecordIsFollowedToItsMaster() throws Exception {
        String master = salesforce.create("Contact", Map.of("LastName", "Master"));
        String duplicate = salesforce.create("Contact", Map.of("LastName", "Duplicate"));
        salesforce.admin("POST", "/merge", "{\"masterId\":\"" + master + "\",\"duplicateIds\":[\"" + duplicate + "\"]}");

        OptOutPushResult result = awaitResults(produce(event("merged@example.com", duplicate)), 1).getFirst();
        assertEquals(PushOutcome.WRITTEN, result.getOutcome());
        assertEquals(master, result.getSalesforceId());
        assertEquals(Boolean.TRUE, salesforce.get("Contact", master).get("HasOptedOutOfEmail"));
    }

    @Test
    void theSameUnsubscribeDeliveredTwiceIsHarmless() throws Exception {
        String contact = salesforce.create("Contact", Map.of("LastName", "Twice"));
        UnsubscribeRecorded event = event("twice@example.com", contact);
        long callsBefore = compositeCalls();
        produce(event);
        produce(event);
        List<OptOutPushResult> results = awaitResults(event.getEventId(), 2);
        assertEquals(results.get(0).getOutcome(), results.get(1).getOutcome());
        assertEquals(PushOutcome.WRITTEN, results.get(1).getOutcome());
        assertTrue(compositeCalls() - callsBefore <= 2, "at most one write more");
    }

    private long compositeCalls() throws Exception {
        Object calls = ((Map<?, ?>) salesforce.admin("GET", "", null).get("calls")).get("PATCH /services/data/{version}/composite/sobjects");
        return calls instanceof Number n ? n.longValue() : 0;
    }

    @Test
    void removalIsNeverPushed() throws Exception {
        String contact = salesforce.create("Contact", Map.of("LastName", "Removed"));
        String key = "removed." + UUID.randomUUID() + "@example.com";
        produce(UnsubscribeRemoved.newBuilder().setEventId(UUID.randomUUID().toString()).setEmail(key).setSalesforceId(contact)
                .setRemovedBy("admin").setOccurredAt(Instant.now()).setRecordedAt(Instant.now()).build(), key);
        // A later event for the same person on the same partition proves the removal was consumed first.
        awaitResults(produce(event(key, null)), 1);
        Map<String, Object> record = salesforce.get("Contact", contact);
        assertEquals(Boolean.FALSE, record.get("HasOptedOutOfEmail"));
    }

    @Test
    void anUnsubscribeWithoutIdReachesEveryContactAndLeadWithThatEmailCaseAndIdnDomainAside() throws Exception {
        String contact = salesforce.create("Contact", Map.of("LastName", "Both", "Email", "Both.Records@Bücher.example"));
        String duplicate = salesforce.create("Contact", Map.of("LastName", "Both", "Email", "both.records@xn--bcher-kva.example"));
        String lead = salesforce.create("Lead", Map.of("LastName", "Both", "Company", "Acme", "Email", "BOTH.RECORDS@bücher.example"));

        List<OptOutPushResult> results = awaitResults(produce(event("both.records@bücher.example", null)), 3);

        assertEquals(java.util.Set.of(contact, duplicate, lead),
                results.stream().map(OptOutPushResult::getSalesforceId).collect(java.util.stream.Collectors.toSet()));
        assertTrue(results.stream().allMatch(r -> r.getOutcome() == PushOutcome.WRITTEN), results.toString());
        for (String id : List.of(contact, duplicate)) {
            assertEquals(Boolean.TRUE, salesforce.get("Contact", id).get("HasOptedOutOfEmail"));
        }
        assertEquals(Boolean.TRUE, salesforce.get("Lead", lead).get("HasOptedOutOfEmail"));
    }

    @Test
    void anUnsubscribeWithAnIdWritesThatRecordAndTheEmailsOthers() throws Exception {
        String named = salesforce.create("Contact", Map.of("LastName", "Named", "Email", "named@example.com"));
        String other = salesforce.create("Lead", Map.of("LastName", "Other", "Company", "Acme", "Email", "named@example.com"));
        // The directory (here: what a live lookup taught this instance) lists the email's records.
        awaitResults(produce(event("named@example.com", null)), 2);
        salesforce.admin("POST", "/opt-outs/clear", "{\"ids\":[\"" + named + "\",\"" + other + "\"]}");

        List<OptOutPushResult> results = awaitResults(produce(event("named@example.com", named)), 2);

        assertEquals(List.of(named, other), results.stream().map(OptOutPushResult::getSalesforceId).toList());
        assertEquals(Boolean.TRUE, salesforce.get("Lead", other).get("HasOptedOutOfEmail"));
    }

    @Test
    void thePeopleApiListsEveryContactAndLeadWithAnAddress() throws Exception {
        String contact = salesforce.create("Contact", Map.of("LastName", "Listed", "Email", "Listed@Example.com"));
        String lead = salesforce.create("Lead", Map.of("LastName", "Listed", "Company", "Acme", "Email", "listed@example.com"));

        HttpResponse<String> linked = api("/v1/salesforce/people?email=LISTED%40example.com", "rules-api-token-0123456789");

        assertEquals(200, linked.statusCode(), linked.body());
        assertTrue(linked.body().contains("\"id\":\"" + contact + "\"") && linked.body().contains("\"id\":\"" + lead + "\""), linked.body());
        assertTrue(linked.body().contains("\"person\":\"listed@example.com\""), linked.body());
        assertEquals(400, api("/v1/salesforce/people?email=nope", "rules-api-token-0123456789").statusCode());
        assertEquals(401, api("/v1/salesforce/people?email=listed%40example.com", "wrong-token-0123456789").statusCode());
    }

    @Test
    void aPersonWithNoRecordGetsNoSalesforceRecordAndNothingIsWritten() throws Exception {
        OptOutPushResult result = awaitResults(produce(event("nobody." + UUID.randomUUID() + "@example.com", null)), 1).getFirst();
        assertEquals(PushOutcome.NO_SALESFORCE_RECORD, result.getOutcome());
        assertEquals(0L, ((Number) salesforce.admin("GET", "", null).get("optOutsCleared")).longValue());
    }

    @Test
    void aBurstOfUnknownEmailsIsLookedUpInFewCalls() throws Exception {
        long before = queryCalls();
        List<String> ids = new java.util.ArrayList<>();
        List<Map.Entry<String, ? extends SpecificRecord>> burst = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            UnsubscribeRecorded unknown = event("burst" + i + "." + UUID.randomUUID().toString().substring(0, 6) + "@example.com", null);
            ids.add(unknown.getEventId());
            burst.add(Map.entry(PersonKey.of(unknown.getEmail()), unknown));
        }
        TopicClients.of(TestInfrastructure.get()).sendAll(Topics.UNSUBSCRIBE_EVENTS.name(), burst);
        TopicClients.of(TestInfrastructure.get()).readAvro(Topics.PUSH_RESULTS.name(),
                r -> ids.contains(((OptOutPushResult) r.value()).getUnsubscribeEventId()), 300, Duration.ofSeconds(60));
        long calls = queryCalls() - before;
        assertTrue(calls <= 20, "300 unknown emails took " + calls + " query calls");
    }

    private long queryCalls() throws Exception {
        Object calls = ((Map<?, ?>) salesforce.admin("GET", "", null).get("calls")).get("GET /services/data/{version}/query");
        return calls instanceof Number n ? n.longValue() : 0;
    }

    private void saveSettings(SyncSettings settings) throws Exception {
        produce(settings, Topics.SETTINGS_KEY, Topics.SETTINGS.name());
        await().atMost(Duration.ofSeconds(30)).until(() -> settingsView.current().equals(settings));
        fieldCheck.check();
    }

    private static UnsubscribeRecorded event(String email, String salesforceId) {
        return UnsubscribeRecorded.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setEmail(email).setSalesforceId(salesforceId)
                .setPersonType(PersonType.UNKNOWN).setSource(UnsubscribeSource.API).setScope(UnsubscribeScope.ALL_EMAIL)
                .setOccurredAt(Instant.now()).setRecordedAt(Instant.now()).build();
    }

    private String produce(UnsubscribeRecorded event) throws Exception {
        produce(event, PersonKey.of(event.getEmail()), Topics.UNSUBSCRIBE_EVENTS.name());
        return event.getEventId();
    }

    private void produce(SpecificRecord record, String key) throws Exception {
        produce(record, PersonKey.of(key), Topics.UNSUBSCRIBE_EVENTS.name());
    }

    private void produce(SpecificRecord record, String key, String topic) throws Exception {
        TopicClients.of(TestInfrastructure.get()).send(topic, key, record);
    }

    /** Waits until {@code count} push results exist for the event, and answers them in order. */
    private List<OptOutPushResult> awaitResults(String eventId, int count) {
        return TopicClients.of(TestInfrastructure.get()).readAvro(Topics.PUSH_RESULTS.name(),
                r -> ((OptOutPushResult) r.value()).getUnsubscribeEventId().equals(eventId), count, Duration.ofSeconds(45))
                .stream().map(r -> (OptOutPushResult) r.value()).toList();
    }
}
