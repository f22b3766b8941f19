package dev.unsubsync.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unsubsync.events.DirectoryState;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.schemas.EventClasses;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.EmulatorClient;
import dev.unsubsync.testsupport.FreePorts;
import dev.unsubsync.testsupport.TopicClients;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real layer of the history checker (docs/architecture.md, "The sync invariant"): random histories played against
 * the whole local stack as processes — the KRaft broker, the registry, the emulator, capture, the pusher and the
 * reconciler with its directory — through their public ways in: unsubscribes by the API (with and without a Salesforce
 * ID, in case and IDN variants of the address), by a signed webhook and by the ingest topic; removals; Salesforce-side
 * creates, email changes, deletes, undeletes, Lead conversions, merges and a user checking or unchecking the field;
 * Salesforce failing a share of calls; the pusher, the reconciler and the broker restarted. After each history the
 * invariants I1-I5 must hold at quiescence (within {@link #QUIESCENCE}); a failure prints the history's seed and its
 * operations as played.
 *
 * <p>Not in {@code ./mvnw verify} (tag {@code platform}): {@code .ci/run} runs its bounded set ({@code
 * -Dhistory.count}, default 6, the same histories every time: {@code -Dhistory.base-seed} picks another set);
 * {@code -Dhistory.minutes=60} plays new random histories for an hour, figures printed at the end. {@code
 * -Dhistory.seed} replays one history.
 */
@Tag("platform")
class SyncHistoryRealTest {

    private static final Duration QUIESCENCE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

    private static LocalStack stack;
    private static EmulatorClient salesforce;
    private static TopicClients topics;
    private static KafkaProducer<String, String> ingest;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private long operations;
    private long restarts;

    @BeforeAll
    static void startStack() throws Exception {
        EventClasses.trust();
        Path data = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "histories-");
        stack = LocalStack.start(Path.of(System.getProperty("project.root")), data, new LocalStack.Ports(FreePorts.one(), FreePorts.one(),
                FreePorts.one(), FreePorts.one(), FreePorts.one(), FreePorts.one(), FreePorts.one()));
        salesforce = new EmulatorClient(stack.emulatorUrl(), LocalStack.EMULATOR_CLIENT_ID, LocalStack.EMULATOR_CLIENT_SECRET);
        topics = new TopicClients(stack.bootstrapServers(), stack.registryUrl() + "/apis/registry/v3");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        ingest = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void stopStack() {
        if (ingest != null) {
            ingest.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theSyncInvariantHoldsOverRealProcesses() throws Exception {
        HttpResponse<String> settings = capture("PUT", "/v1/settings",
                "{\"nightlySyncEnabled\":true,\"syncToEmailOptOut\":true,\"syncToMarketoSalesOptOut\":false}");
        assertEquals(200, settings.statusCode(), settings.body());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> capture("GET", "/v1/settings", null).body().contains("\"nightlySyncEnabled\":true"));

        long minutes = Long.getLong("history.minutes", 0);
        int count = Integer.getInteger("history.count", 6);
        Long onlySeed = Long.getLong("history.seed");
        Instant began = Instant.now();
        Instant until = began.plus(Duration.ofMinutes(minutes));
        // CI's bounded set is the same every time (reproducible: a red build is the code's, not the dice's); long runs
        // explore new histories.
        Random seeds = minutes > 0 ? new Random() : new Random(Long.getLong("history.base-seed", 20261207L));
        int played = 0;
        while (onlySeed != null ? played < 1 : minutes > 0 ? Instant.now().isBefore(until) : played < count) {
            long seed = onlySeed != null ? onlySeed : seeds.nextLong();
            History history = new History(played, seed);
            history.play();
            List<String> violations = history.checkAtQuiescence();
            if (!violations.isEmpty()) {
                throw new AssertionError("The sync invariant broke in history " + played + " (replay: -Dhistory.seed=" + seed + "):\n  "
                        + String.join("\n  ", violations) + "\nHistory as played:\n  " + String.join("\n  ", history.log));
            }
            played++;
        }
        System.out.printf("History checker (real layer): %d histories, %d operations, %d restarts, 0 violations, in %d s%n", played, operations, restarts,
                Duration.between(began, Instant.now()).toSeconds());
    }

    /** A Contact or Lead the history made, as the reference model knows it. */
    private static final class Row {
        final String id;
        final boolean lead;
        int person;
        boolean deleted;
        boolean converted;
        /** A user unchecked its opt-out: bringing it back is the nightly run's (rule 4), so I1 leaves it out until the person is unsubscribed again. */
        boolean unchecked;
        Instant settledFrom;
        /** When a user checked its opt-out, until a poll has read it (null: nothing waits to be read). */
        Instant turnedAt;

        Row(String id, boolean lead, int person) {
            this.id = id;
            this.lead = lead;
            this.person = person;
            this.settledFrom = Instant.now();
        }
    }

    /** One random history over persons and records of its own, and the reference model it is checked against. */
    private final class History {
        private static final int PERSONS = 3;
        final List<String> log = new ArrayList<>();
        private final Random random;
        private final String[] emails = new String[PERSONS];
        private final boolean[] unsubscribed = new boolean[PERSONS];
        private final List<List<String>> acknowledgedIds = new ArrayList<>();
        private final int[] webhooks = new int[PERSONS];
        private final int[] ingested = new int[PERSONS];
        private final List<Row> rows = new ArrayList<>();
        private boolean flaky;

        History(int number, long seed) {
            this.random = new Random(seed);
            for (int p = 0; p < PERSONS; p++) {
                emails[p] = "h" + number + "p" + p + "." + RUN + "@" + (p == 2 ? "xn--bcher-kva.example" : "example.com");
                acknowledgedIds.add(new ArrayList<>());
            }
        }

        /** The address in one of its spellings: as is, upper case, or (for the IDN person) the Unicode domain. */
        private String variant(int person, boolean forApi) {
            int v = random.nextInt(forApi ? 3 : 2);
            if (v == 1) {
                return emails[person].toUpperCase(Locale.ROOT);
            }
            if (v == 2 && emails[person].endsWith("xn--bcher-kva.example")) {
                return emails[person].replace("xn--bcher-kva.example", "bücher.example");
            }
            return emails[person];
        }

        void play() throws Exception {
            int length = 8 + random.nextInt(13);
            for (int i = 0; i < length; i++) {
                step();
                operations++;
            }
            if (flaky) {
                salesforce.admin("DELETE", "/faults", null);
                log.add("salesforce healthy again (quiescence)");
            }
        }

        private void step() throws Exception {
            int person = random.nextInt(PERSONS);
            int roll = random.nextInt(100);
            if (roll < 14) {
                unsubscribeByApi(person);
            } else if (roll < 19) {
                unsubscribeByWebhook(person);
            } else if (roll < 24) {
                unsubscribeByIngest(person);
            } else if (roll < 31) {
                remove(person);
            } else if (roll < 47) {
                create(person);
            } else if (roll < 55) {
                withLive(row -> changeEmail(row, person));
            } else if (roll < 61) {
                withLive(this::delete);
            } else if (roll < 66) {
                undelete();
            } else if (roll < 70) {
                withLive(row -> {
                    if (row.lead) {
                        convert(row);
                    }
                });
            } else if (roll < 74) {
                merge();
            } else if (roll < 81) {
                withLive(this::userChecks);
            } else if (roll < 86) {
                withLive(this::userUnchecks);
            } else if (roll < 90) {
                pause();
            } else if (roll < 93) {
                flaky = !flaky;
                if (flaky) {
                    salesforce.admin("PUT", "/faults", "{\"failShare\":0.2,\"failStatus\":503}");
                } else {
                    salesforce.admin("DELETE", "/faults", null);
                }
                log.add("salesforce " + (flaky ? "fails 20% of calls (503)" : "healthy again"));
            } else if (roll < 96) {
                restart("salesforce-pusher");
            } else if (roll < 99) {
                restart("nightly-reconciler");
            } else {
                log.add("broker restarted");
                stack.restartKafka();
                restarts++;
            }
        }

        private void unsubscribeByApi(int person) throws Exception {
            String email = variant(person, true);
            String salesforceId = null;
            List<Row> mine = rows.stream().filter(r -> r.person == person && !r.deleted && !r.converted).toList();
            if (!mine.isEmpty() && random.nextBoolean()) {
                salesforceId = mine.get(random.nextInt(mine.size())).id;
                if (random.nextBoolean()) {
                    salesforceId = salesforceId.substring(0, 15);
                }
            }
            String upstream = UUID.randomUUID().toString();
            String body = "{\"email\":\"" + email + "\",\"source\":\"api\",\"upstreamEventId\":\"" + upstream + "\""
                    + (salesforceId == null ? "" : ",\"salesforceId\":\"" + salesforceId + "\"") + "}";
            JsonNode answer = acknowledged("POST", "/v1/unsubscribes", body, 202);
            acknowledgedIds.get(person).add(answer.get("eventId").asText());
            unsubscribedAgain(person);
            log.add("unsubscribe by API " + email + (salesforceId == null ? "" : " with ID " + salesforceId));
        }

        private void unsubscribeByWebhook(int person) throws Exception {
            String email = variant(person, false);
            String body = "{\"RecordType\":\"SubscriptionChange\",\"MessageID\":\"" + UUID.randomUUID() + "\",\"ServerID\":1,\"MessageStream\":\"outbound\","
                    + "\"ChangedAt\":\"" + Instant.now() + "\",\"Recipient\":\"" + email + "\",\"Origin\":\"Recipient\",\"SuppressSending\":true,"
                    + "\"SuppressionReason\":\"ManualSuppression\"}";
            String basic = "Basic "
                    + Base64.getEncoder().encodeToString((LocalSecrets.POSTMARK_USER + ":" + LocalSecrets.POSTMARK_PASSWORD).getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
                HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(stack.captureUrl() + "/webhooks/postmark"))
                        .header("Content-Type", "application/json").header("Authorization", basic).POST(HttpRequest.BodyPublishers.ofString(body)));
                if (answer != null && answer.statusCode() >= 400 && answer.statusCode() < 500) {
                    throw new AssertionError("the webhook was refused: " + answer.statusCode() + " " + answer.body());
                }
                return answer != null && answer.statusCode() / 100 == 2;
            });
            webhooks[person]++;
            unsubscribedAgain(person);
            log.add("unsubscribe by Postmark webhook " + email);
        }

        private void unsubscribeByIngest(int person) throws Exception {
            String email = variant(person, false);
            String upstream = UUID.randomUUID().toString();
            ingest.send(new ProducerRecord<>(Topics.UNSUBSCRIBE_REQUESTS.name(), upstream,
                    "{\"email\":\"" + email + "\",\"source\":\"api\",\"upstreamEventId\":\"" + upstream + "\"}")).get(2, TimeUnit.MINUTES);
            ingested[person]++;
            unsubscribedAgain(person);
            log.add("unsubscribe on unsubscribe-requests " + email);
        }

        private void unsubscribedAgain(int person) {
            unsubscribed[person] = true;
            rows.stream().filter(r -> r.person == person).forEach(r -> r.unchecked = false);
        }

        private void remove(int person) throws Exception {
            String email = variant(person, false);
            JsonNode answer = acknowledged("DELETE", "/v1/unsubscribes/" + email + "?reason=checker", null, 202);
            acknowledgedIds.get(person).add(answer.get("eventId").asText());
            unsubscribed[person] = false;
            log.add("remove " + email);
        }

        private void create(int person) throws Exception {
            boolean lead = random.nextInt(3) == 0;
            boolean optedOut = random.nextInt(6) == 0;
            Map<String, Object> fields = new HashMap<>(Map.of("LastName", "Checker", "Email", variant(person, false), "HasOptedOutOfEmail", optedOut));
            if (lead) {
                fields.put("Company", "Acme");
            }
            String id = retrying(() -> salesforce.create(lead ? "Lead" : "Contact", fields));
            rows.add(new Row(id, lead, person));
            log.add("create " + (lead ? "Lead " : "Contact ") + id + " for " + emails[person] + (optedOut ? ", opted out" : ""));
        }

        private void changeEmail(Row row, int person) throws Exception {
            turnRead(row);
            String email = variant(person, false);
            salesforce.editAsUser(row.id, Map.of("Email", email));
            if (row.person != person) {
                row.unchecked = false;
            }
            row.person = person;
            row.settledFrom = Instant.now();
            log.add("change email of " + row.id + " to " + email);
        }

        private void delete(Row row) throws Exception {
            turnRead(row);
            retrying(() -> {
                salesforce.delete(row.lead ? "Lead" : "Contact", row.id);
                return null;
            });
            row.deleted = true;
            log.add("delete " + row.id);
        }

        private void undelete() throws Exception {
            List<Row> deleted = rows.stream().filter(r -> r.deleted).toList();
            if (deleted.isEmpty()) {
                return;
            }
            Row row = deleted.get(random.nextInt(deleted.size()));
            salesforce.admin("POST", "/records/" + row.id + "/undelete", null);
            row.deleted = false;
            row.settledFrom = Instant.now();
            log.add("undelete " + row.id);
        }

        private void convert(Row lead) throws Exception {
            turnRead(lead);
            String contact = (String) salesforce.admin("POST", "/leads/" + lead.id + "/convert", "{}").get("convertedContactId");
            lead.converted = true;
            rows.add(new Row(contact, false, lead.person));
            log.add("convert Lead " + lead.id + " into Contact " + contact);
        }

        private void merge() throws Exception {
            boolean leads = random.nextBoolean();
            List<Row> live = rows.stream().filter(r -> r.lead == leads && !r.deleted && !r.converted).toList();
            if (live.size() < 2) {
                return;
            }
            Row winner = live.get(random.nextInt(live.size()));
            Row loser = live.stream().filter(r -> r != winner).toList().get(random.nextInt(live.size() - 1));
            turnRead(loser);
            salesforce.admin("POST", "/merge", "{\"masterId\":\"" + winner.id + "\",\"duplicateIds\":[\"" + loser.id + "\"]}");
            loser.deleted = true;
            log.add("merge " + loser.id + " into " + winner.id);
        }

        private void userChecks(Row row) throws Exception {
            if (row.lead && row.converted) {
                return;
            }
            // A turn the directory sees (I2) is of a record it lists as it is now: wait for a poll after its last change.
            awaitPollAfter(row.settledFrom);
            if (optedOut(row)) {
                return;
            }
            salesforce.editAsUser(row.id, Map.of("HasOptedOutOfEmail", true));
            row.turnedAt = Instant.now();
            unsubscribedAgain(row.person);
            log.add("a user checks Email Opt Out on " + row.id + " (" + emails[row.person] + ")");
        }

        private void userUnchecks(Row row) throws Exception {
            turnRead(row);
            salesforce.admin("POST", "/opt-outs/clear", "{\"ids\":[\"" + row.id + "\"]}");
            row.unchecked = true;
            // The directory must list it unchecked before a user's check is a turn it can see.
            row.settledFrom = Instant.now();
            log.add("a user unchecks Email Opt Out on " + row.id);
        }

        /**
         * A user's check must be read by a poll before the record changes again (its email, its life, its opt-out): I2 is
         * about a turn the directory could see; one undone within a poll interval is the nightly run's, by the record's
         * new state.
         */
        private void turnRead(Row row) {
            if (row.turnedAt != null) {
                awaitPollAfter(row.turnedAt);
                row.turnedAt = null;
            }
        }

        /** Time passes until the directory has polled again: what the history did so far is read before what comes. */
        private void pause() {
            awaitPollAfter(Instant.now());
            log.add("pause until the directory polled");
        }

        private void restart(String module) {
            stack.kill(module);
            stack.restart(module);
            restarts++;
            log.add(module + " killed and started again");
        }

        private void withLive(ThrowingConsumer<Row> action) throws Exception {
            List<Row> live = rows.stream().filter(r -> !r.deleted && !r.converted).toList();
            if (!live.isEmpty()) {
                action.accept(live.get(random.nextInt(live.size())));
            }
        }

        /** I1-I5, each allowed until {@link #QUIESCENCE} to become true; what still fails then is a violation. */
        List<String> checkAtQuiescence() {
            List<String> violations = new ArrayList<>();
            try {
                await().atMost(QUIESCENCE).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    violations.clear();
                    violations.addAll(violations());
                    return violations.isEmpty();
                });
            } catch (ConditionTimeoutException e) {
                return violations;
            }
            return List.of();
        }

        private List<String> violations() throws Exception {
            List<String> found = new ArrayList<>();
            for (int p = 0; p < PERSONS; p++) {
                int person = p;
                // I1: every live record of an unsubscribed person is opted out (a converted Lead cannot be written;
                // a field a user unchecked is the nightly run's).
                if (unsubscribed[p]) {
                    for (Row row : rows) {
                        if (row.person == person && !row.deleted && !row.converted && !row.unchecked && !optedOut(row)) {
                            found.add("I1: " + row.id + " of unsubscribed " + emails[p] + " is not opted out");
                        }
                    }
                }
                // I4 (the history API) and I5 (every acknowledged input is in the history).
                HttpResponse<String> answer = capture("GET", "/v1/unsubscribes/" + emails[p], null);
                boolean anything = !acknowledgedIds.get(p).isEmpty() || webhooks[p] > 0 || ingested[p] > 0;
                if (answer == null) {
                    found.add("history of " + emails[p] + ": capture did not answer");
                    continue;
                }
                if (answer.statusCode() == 404) {
                    if (anything || unsubscribed[p]) {
                        found.add("I5: no history for " + emails[p] + ", which has acknowledged inputs");
                    }
                    continue;
                }
                if (answer.statusCode() != 200) {
                    found.add("history of " + emails[p] + " not available: " + answer.statusCode());
                    continue;
                }
                JsonNode history = JSON.readTree(answer.body());
                if (history.get("unsubscribed").asBoolean() != unsubscribed[p]) {
                    found.add("I4: the history API says " + emails[p] + " is " + (history.get("unsubscribed").asBoolean() ? "" : "not ")
                            + "unsubscribed; the model says " + (unsubscribed[p] ? "" : "not ") + "unsubscribed");
                }
                List<String> ids = new ArrayList<>();
                int byWebhook = 0;
                int byTopic = 0;
                for (JsonNode entry : history.get("history")) {
                    ids.add(entry.path("eventId").asText());
                    byWebhook += "postmark".equalsIgnoreCase(entry.path("provider").asText()) ? 1 : 0;
                    byTopic += Topics.UNSUBSCRIBE_REQUESTS.name().equals(entry.path("origin").asText()) ? 1 : 0;
                }
                for (String id : acknowledgedIds.get(p)) {
                    if (!ids.contains(id)) {
                        found.add("I5: acknowledged event " + id + " of " + emails[p] + " is not in the history");
                    }
                }
                if (byWebhook < webhooks[p] || byTopic < ingested[p]) {
                    found.add("I5: " + emails[p] + " has " + byWebhook + " of " + webhooks[p] + " webhook and " + byTopic + " of " + ingested[p]
                            + " topic unsubscribes in the history");
                }
            }
            if (found.isEmpty()) {
                // I4 (the ledger agrees) and I3 (nothing was ever cleared by the services), once the rest holds.
                Map<String, Boolean> ledger = new HashMap<>();
                List<String> keys = new ArrayList<>();
                for (String email : emails) {
                    keys.add(PersonKey.of(email));
                }
                for (ConsumerRecord<String, Object> entry : topics.collectAvro(Topics.UNSUBSCRIBE_LEDGER.name(), r -> keys.contains(r.key()),
                        f -> false, Duration.ofSeconds(2))) {
                    ledger.put(entry.key(), entry.value() instanceof UnsubscribeRecorded);
                }
                for (int p = 0; p < PERSONS; p++) {
                    if (ledger.getOrDefault(keys.get(p), false) != unsubscribed[p]) {
                        found.add("I4: the ledger holds " + emails[p] + " as " + (ledger.getOrDefault(keys.get(p), false) ? "" : "not ") + "unsubscribed");
                    }
                }
                long cleared = ((Number) salesforce.admin("GET", "", null).get("optOutsCleared")).longValue();
                if (cleared != 0) {
                    found.add("I3: " + cleared + " opt-outs were written false");
                }
            }
            return found;
        }
    }

    @FunctionalInterface
    private interface ThrowingConsumer<T> {
        void accept(T value) throws Exception;
    }

    @FunctionalInterface
    private interface Call<T> {
        T call() throws Exception;
    }

    /** Waits until the directory committed two polls after {@code since}: the second began after it, and read what changed. */
    private static void awaitPollAfter(Instant since) {
        Instant[] first = {null};
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() -> {
            List<ConsumerRecord<String, Object>> states = topics.collectAvro(Topics.DIRECTORY_STATE.name(), r -> r.value() instanceof DirectoryState,
                    f -> false, Duration.ofMillis(700));
            Instant last = states.isEmpty() ? null : ((DirectoryState) states.getLast().value()).getLastPollAt();
            if (last == null || !last.isAfter(since)) {
                return false;
            }
            if (first[0] == null) {
                first[0] = last;
            }
            return last.isAfter(first[0]);
        });
    }

    private static boolean optedOut(Row row) throws Exception {
        return retrying(() -> Boolean.TRUE.equals(salesforce.get(row.lead ? "Lead" : "Contact", row.id).get("HasOptedOutOfEmail")));
    }

    /** The checker's own API calls go through the faults the history injects: a 5xx is tried again (nothing was done). */
    private static <T> T retrying(Call<T> call) {
        AtomicReference<T> result = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsMatching(e -> e instanceof IllegalStateException && e.getMessage() != null && e.getMessage().matches("(?s).*: 50[03] .*"))
                .until(() -> {
                    result.set(call.call());
                    return true;
                });
        return result.get();
    }

    /** Sends until capture acknowledges (what an upstream system does): a 5xx or no answer is tried again, a 4xx is a failure. */
    private JsonNode acknowledged(String method, String path, String body, int expected) throws Exception {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
            HttpResponse<String> answer = capture(method, path, body);
            last.set(answer);
            if (answer != null && answer.statusCode() >= 400 && answer.statusCode() < 500 && answer.statusCode() != 429) {
                throw new AssertionError(method + " " + path + " refused: " + answer.statusCode() + " " + answer.body());
            }
            return answer != null && answer.statusCode() == expected;
        });
        return JSON.readTree(last.get().body());
    }

    private HttpResponse<String> capture(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.captureUrl() + path.replace("bücher", "b%C3%BCcher")))
                .header("Authorization", "Bearer " + LocalStack.CAPTURE_TOKEN).timeout(Duration.ofSeconds(30));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Null when there was no answer (a service restarting). */
    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
