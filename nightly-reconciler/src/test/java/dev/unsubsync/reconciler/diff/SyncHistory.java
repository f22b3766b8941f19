package dev.unsubsync.reconciler.diff;

import dev.unsubsync.events.DirectoryEntry;
import dev.unsubsync.events.HistoryEntry;
import dev.unsubsync.events.PersonHistory;
import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.SalesforcePeople;
import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.PersonTimeline;
import dev.unsubsync.schemas.SalesforceId;
import java.net.IDN;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;

/**
 * One history of the checker's fast layer: plays its operations against the reconciler's topology and an org and a
 * pusher modelled in memory, then lets everything settle (a last poll, the pusher drained) and checks I1-I5.
 *
 * <p>The pusher modelled here does what the real one does with an event: an all-email unsubscribe reaches the record
 * its ID names and every record the people directory lists for the person (or, while the directory is not current,
 * every record Salesforce has for the email: a live lookup); a push of the directory reaches its record only; it writes
 * only {@code true}; a removal or a topic's unsubscribe writes nothing. The org is Salesforce as the poll reads it.
 */
final class SyncHistory {

    /** The topology's topics this history writes and reads. */
    record Topics(TestInputTopic<String, SpecificRecord> events, TestInputTopic<String, SalesforceRecord> records,
            TestOutputTopic<String, SpecificRecord> eventsOut, TestOutputTopic<String, UnsubscribeRecorded> ledger,
            TestOutputTopic<String, UnsubscribeRecorded> pushes, TestOutputTopic<String, SalesforcePeople> people) {
    }

    /** An operation of a history. Persons and records are small indexes, so operations meet the same people. */
    sealed interface Op {
    }

    /** An unsubscribe through capture (API, webhook, one-click or the ingest topic: one event each). */
    record Unsubscribe(int person, int variant, boolean withId, int record, boolean topic, int minutesAgo) implements Op {
    }

    /** A provider's re-subscribe that happened {@code minutesAgo} (arriving now, possibly after a newer unsubscribe). */
    record Resubscribe(int person, int minutesAgo, boolean topic) implements Op {
    }

    /** An admin's removal on the sales side. */
    record Remove(int person) implements Op {
    }

    /** The last event sent again (a client's retry: the same event id). */
    record Retry() implements Op {
    }

    record Create(int person, int variant, boolean lead, boolean optedOut) implements Op {
    }

    record ChangeEmail(int record, int person, int variant) implements Op {
    }

    record Delete(int record) implements Op {
    }

    record Undelete(int record) implements Op {
    }

    /** A Lead converted: a new Contact with its address and opt-out; the Lead stays, converted. */
    record Convert(int record) implements Op {
    }

    /** A record merged into another of its type: the loser is deleted. */
    record Merge(int loser, int winner) implements Op {
    }

    /** A Salesforce user checks ({@code true}) or unchecks the record's Email Opt Out. */
    record UserSets(int record, boolean optedOut) implements Op {
    }

    record Sync(boolean enabled) implements Op {
    }

    /** The directory's poll reads what changed in Salesforce since the last one. */
    record Poll() implements Op {
    }

    /** The pusher handles what waits for it (it lags behind the events and the directory until then). */
    record PusherCatchesUp() implements Op {
    }

    /** Whether the pusher trusts the people directory (current) or looks every email up live (not current). */
    record DirectoryCurrent(boolean current) implements Op {
    }

    /** The pusher's copy of the directory (it follows salesforce-people) reads what the directory published since. */
    record PusherReadsDirectory() implements Op {
    }

    static Arbitrary<Op> ops() {
        Arbitrary<Integer> person = Arbitraries.integers().between(0, 2);
        Arbitrary<Integer> record = Arbitraries.integers().between(0, 5);
        Arbitrary<Integer> variant = Arbitraries.integers().between(0, 3);
        Arbitrary<Boolean> bool = Arbitraries.of(true, false);
        Arbitrary<Integer> minutes = Arbitraries.integers().between(0, 90);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6,
                        Combinators.combine(person, variant, bool, record, Arbitraries.of(false, false, false, true), minutes).as(Unsubscribe::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(person, minutes, Arbitraries.of(false, false, true)).as(Resubscribe::new)),
                net.jqwik.api.Tuple.of(2, person.map(Remove::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Retry())),
                net.jqwik.api.Tuple.of(5, Combinators.combine(person, variant, bool, Arbitraries.of(false, false, true)).as(Create::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(record, person, variant).as(ChangeEmail::new)),
                net.jqwik.api.Tuple.of(1, record.map(Delete::new)),
                net.jqwik.api.Tuple.of(1, record.map(Undelete::new)),
                net.jqwik.api.Tuple.of(1, record.map(Convert::new)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(record, record).as(Merge::new)),
                net.jqwik.api.Tuple.of(3, Combinators.combine(record, bool).as(UserSets::new)),
                net.jqwik.api.Tuple.of(2, bool.map(Sync::new)),
                net.jqwik.api.Tuple.of(5, Arbitraries.just(new Poll())),
                net.jqwik.api.Tuple.of(4, Arbitraries.just(new PusherCatchesUp())),
                net.jqwik.api.Tuple.of(1, bool.map(DirectoryCurrent::new)),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(new PusherReadsDirectory())));
    }

    /** A Contact or Lead of the modelled org. */
    private static final class Row {
        final String id;
        final boolean lead;
        String email;
        boolean optedOut;
        boolean deleted;
        boolean converted;
        String convertedContactId;
        Instant modstamp;
        boolean changedSincePoll = true;
        /** A user unchecked it and nothing set it since: the nightly run's to check again (I1), not the poll's. */
        boolean uncheckedByUser;
        /** When a user last checked its opt-out (null: never): only a user's check is a turn to record (I2). */
        Instant userCheckedAt;
        /** Whether the last change was the pusher's write (LastModifiedById our integration user). */
        boolean changedByUs;

        Row(String id, boolean lead) {
            this.id = id;
            this.lead = lead;
        }
    }

    private final int number;
    private final Topics topics;
    private final AtomicReference<Instant> now;
    private final AtomicReference<SyncSettings> settings;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Row> byId = new HashMap<>();
    /** Every event of unsubscribe-events, in topic order, per person: what capture's history folds. */
    private final Map<String, List<SpecificRecord>> eventsByPerson = new LinkedHashMap<>();
    /** The ledger's last word per person (absent: never written; null value: tombstoned). */
    private final Map<String, UnsubscribeRecorded> ledger = new HashMap<>();
    /** When the ledger last tombstoned each person (a removal or re-subscribe that took effect). */
    private final Map<String, Instant> removedAt = new HashMap<>();
    /** The directory's last word per person, as published on salesforce-people. */
    private final Map<String, SalesforcePeople> directory = new HashMap<>();
    /** The pusher's copy of it, a little behind (its view follows the topic). */
    private final Map<String, SalesforcePeople> pusherDirectory = new HashMap<>();
    /** What waits for the pusher: events and the directory's pushes, in arrival order; {@code true} marks a push. */
    private final Deque<Map.Entry<SpecificRecord, Boolean>> pusherQueue = new ArrayDeque<>();
    private final List<String> violations = new ArrayList<>();
    private final Set<String> inputIds = new HashSet<>();
    private SpecificRecord lastSent;
    private String lastSentKey;
    private boolean directoryCurrent = true;
    private int nextRecord;
    private int nextEvent;

    SyncHistory(int number, Topics topics, AtomicReference<Instant> now, AtomicReference<SyncSettings> settings) {
        this.number = number;
        this.topics = topics;
        this.now = now;
        this.settings = settings;
        settings.set(SyncSettings.newBuilder().build());
        drainOutputs();
    }

    /** Operations played by every history of this JVM (for the checker's figures). */
    static final AtomicLong OPERATIONS = new AtomicLong();

    /** Plays the history, lets it settle, and answers what broke (nothing, when the invariant holds). */
    List<String> play(List<Op> history) {
        OPERATIONS.addAndGet(history.size());
        for (Op op : history) {
            tick();
            apply(op);
            drainOutputs();
        }
        // Quiescence: the directory reads Salesforce once more, the pusher handles everything, until nothing moves.
        for (int round = 0; round < 10 && (anyChangedSincePoll() || !pusherQueue.isEmpty()); round++) {
            tick();
            poll();
            drainOutputs();
            pusherCatchesUp();
            drainOutputs();
        }
        check();
        return violations;
    }

    private void tick() {
        now.updateAndGet(t -> t.plus(Duration.ofSeconds(7)));
    }

    private void apply(Op op) {
        switch (op) {
            case Unsubscribe u -> unsubscribe(u);
            case Resubscribe r -> send(person(r.person()), UnsubscribeRemoved.newBuilder().setEventId(eventId()).setEmail(email(r.person(), 0))
                    .setRemovedBy("ses").setReason("ses: list re-subscribed").setTopic(r.topic() ? "ses:news" : null)
                    .setOccurredAt(before(r.minutesAgo())).setRecordedAt(now.get()).build());
            case Remove r -> send(person(r.person()), UnsubscribeRemoved.newBuilder().setEventId(eventId()).setEmail(email(r.person(), 1))
                    .setRemovedBy("admin").setReason("asked by phone").setOccurredAt(now.get()).setRecordedAt(now.get()).build());
            case Retry r -> {
                if (lastSent != null) {
                    send(lastSentKey, lastSent);
                }
            }
            case Create c -> create(c);
            case ChangeEmail c -> row(c.record()).ifPresent(row -> edit(row, () -> row.email = email(c.person(), c.variant())));
            case Delete d -> row(d.record()).filter(row -> !row.deleted).ifPresent(row -> edit(row, () -> row.deleted = true));
            // Also before a poll read the deletion, while a push for it failed on the deletion (SyncHistoryPropertyTest.
            // aRecordDeletedAndUndeletedBetweenTwoPollsWhileItsPushWaitsIsOptedOut).
            case Undelete d -> row(d.record()).filter(row -> row.deleted).ifPresent(row -> edit(row, () -> row.deleted = false));
            case Convert c -> row(c.record()).filter(row -> row.lead && !row.deleted && !row.converted).ifPresent(this::convert);
            case Merge m -> merge(m);
            case UserSets u -> row(u.record()).filter(SyncHistory::writable).ifPresent(row -> edit(row, () -> {
                row.optedOut = u.optedOut();
                row.uncheckedByUser = !u.optedOut();
                row.userCheckedAt = u.optedOut() ? now.get() : row.userCheckedAt;
            }));
            case Sync s -> settings.set(SyncSettings.newBuilder().setNightlySyncEnabled(s.enabled()).build());
            case Poll p -> poll();
            case PusherCatchesUp p -> pusherCatchesUp();
            case DirectoryCurrent d -> directoryCurrent = d.current();
            case PusherReadsDirectory r -> {
                pusherDirectory.clear();
                pusherDirectory.putAll(directory);
            }
        }
    }

    private void unsubscribe(Unsubscribe u) {
        String id = null;
        if (u.withId()) {
            id = row(u.record()).map(row -> row.id).orElse(SalesforceId.of(SalesforceId.CONTACT_PREFIX, "Hz" + String.format("%010d", number)).to18());
        }
        Instant occurred = before(u.minutesAgo());
        send(person(u.person()), UnsubscribeRecorded.newBuilder().setEventId(eventId()).setEmail(email(u.person(), u.variant())).setSalesforceId(id)
                .setPersonType(PersonType.UNKNOWN).setSource(UnsubscribeSource.PROVIDER_WEBHOOK).setScope(UnsubscribeScope.ALL_EMAIL)
                .setTopic(u.topic() ? "ses:news" : null).setOccurredAt(occurred).setRecordedAt(now.get()).build());
    }

    private void send(String key, SpecificRecord event) {
        lastSent = event;
        lastSentKey = key;
        inputIds.add(eventIdOf(event));
        topics.events().pipeInput(key, event, now.get());
        eventsByPerson.computeIfAbsent(key, k -> new ArrayList<>()).add(event);
        pusherQueue.add(Map.entry(event, false));
    }

    private void create(Create c) {
        Row row = new Row(SalesforceId.of(c.lead() ? SalesforceId.LEAD_PREFIX : SalesforceId.CONTACT_PREFIX,
                String.format("H%03d%08d", nextRecord++, number)).to18(), c.lead());
        row.email = email(c.person(), c.variant());
        row.optedOut = c.optedOut();
        row.modstamp = now.get();
        rows.add(row);
        byId.put(row.id, row);
    }

    private void convert(Row lead) {
        edit(lead, () -> lead.converted = true);
        Row contact = new Row(SalesforceId.of(SalesforceId.CONTACT_PREFIX, String.format("H%03d%08d", nextRecord++, number)).to18(), false);
        contact.email = lead.email;
        contact.optedOut = lead.optedOut;
        contact.modstamp = now.get();
        lead.convertedContactId = contact.id;
        rows.add(contact);
        byId.put(contact.id, contact);
    }

    private void merge(Merge m) {
        var loser = row(m.loser());
        var winner = row(m.winner());
        if (loser.isPresent() && winner.isPresent() && loser.get() != winner.get() && loser.get().lead == winner.get().lead
                && !loser.get().deleted && !winner.get().deleted && !loser.get().converted && !winner.get().converted) {
            edit(loser.get(), () -> loser.get().deleted = true);
        }
    }

    private void edit(Row row, Runnable change) {
        change.run();
        row.modstamp = now.get();
        row.changedSincePoll = true;
        row.changedByUs = false;
    }

    private boolean anyChangedSincePoll() {
        return rows.stream().anyMatch(row -> row.changedSincePoll);
    }

    /** What the directory's poll writes to salesforce-records: each changed record as read, a deleted one as a tombstone. */
    private void poll() {
        List<String> turned = new ArrayList<>();
        boolean syncEnabled = settings.get().getNightlySyncEnabled();
        for (Row row : rows) {
            if (!row.changedSincePoll) {
                continue;
            }
            row.changedSincePoll = false;
            String person = row.email == null ? null : PersonKey.of(row.email);
            SalesforcePeople listed = person == null ? null : directory.get(person);
            boolean listedNotOptedOut = listed != null && listed.getRecords().stream().anyMatch(e -> e.getId().equals(row.id) && !e.getEmailOptOut());
            if (syncEnabled && listedNotOptedOut && !row.deleted && !row.converted && row.optedOut && userTurned(row, person)) {
                turned.add(person);
            }
            if (row.deleted) {
                topics.records().pipeInput(row.id, null, now.get());
            } else {
                topics.records().pipeInput(row.id, SalesforceRecord.newBuilder().setId(row.id).setObjectType(row.lead ? "Lead" : "Contact")
                        .setEmail(row.email).setEmailOptOut(row.optedOut).setIsConverted(row.converted).setConvertedContactId(row.convertedContactId)
                        .setSystemModstamp(row.modstamp).setLoadId("load-" + number).setChangedByIntegration(row.changedByUs).build(), now.get());
            }
        }
        drainOutputs();
        // I2: an opt-out the directory saw turn true while the sync is enabled leaves its person unsubscribed after the poll.
        for (String person : turned) {
            if (ledger.get(person) == null) {
                violations.add(
                        "I2: a record of " + person + " turned opted out in Salesforce with the sync enabled; the person is not unsubscribed after the poll");
            }
        }
    }

    /**
     * Whether the record's opt-out is a user's, set after the person's last removal: one our own push wrote, or one that
     * was there when the person was removed, is not a turn for the poll to record (it is the nightly run's, rule 4).
     */
    private boolean userTurned(Row row, String person) {
        Instant removed = removedAt.get(person);
        return row.userCheckedAt != null && !row.changedByUs && (removed == null || row.modstamp.isAfter(removed));
    }

    /** Reads what the topology wrote: its own events (the Salesforce-to-sales direction), pushes, the ledger, the directory. */
    private void drainOutputs() {
        for (TestRecord<String, SpecificRecord> out : topics.eventsOut().readRecordsToList()) {
            if (out.value() instanceof UnsubscribeRecorded recorded && recorded.getSource() == UnsubscribeSource.SALESFORCE_SYNC) {
                // I2, the other way: only a user's opt-out, set after the person's last removal, is recorded from Salesforce.
                Row row = byId.get(recorded.getSalesforceId());
                if (row == null || !userTurned(row, out.key())) {
                    violations.add("I2: " + out.key() + " recorded as unsubscribed from an opt-out on " + recorded.getSalesforceId()
                            + " that no user set after their removal (our own push read back, or there when they were removed)");
                }
            }
            if (out.value() != null) {
                eventsByPerson.computeIfAbsent(out.key(), k -> new ArrayList<>()).add(out.value());
                pusherQueue.add(Map.entry(out.value(), false));
            }
        }
        for (TestRecord<String, UnsubscribeRecorded> ledgered : topics.ledger().readRecordsToList()) {
            if (ledgered.value() == null) {
                removedAt.put(ledgered.key(), ledgered.getRecordTime());
            }
            ledger.put(ledgered.key(), ledgered.value());
        }
        for (TestRecord<String, SalesforcePeople> listed : topics.people().readRecordsToList()) {
            if (listed.value() == null) {
                directory.remove(listed.key());
            } else {
                directory.put(listed.key(), listed.value());
            }
        }
        for (TestRecord<String, UnsubscribeRecorded> push : topics.pushes().readRecordsToList()) {
            // I3: the directory pushes only for a person the ledger holds as unsubscribed.
            if (ledger.get(push.key()) == null) {
                violations.add("I3: a push for " + push.key() + " (" + push.value().getSalesforceId() + ") while the ledger does not hold them");
            }
            pusherQueue.add(Map.entry(push.value(), true));
        }
    }

    private void pusherCatchesUp() {
        while (!pusherQueue.isEmpty()) {
            Map.Entry<SpecificRecord, Boolean> next = pusherQueue.poll();
            if (!(next.getKey() instanceof UnsubscribeRecorded event) || event.getTopic() != null) {
                continue; // a removal, or one list's unsubscribe: nothing is written to Salesforce
            }
            Set<String> targets = new LinkedHashSet<>();
            if (event.getSalesforceId() != null) {
                targets.add(event.getSalesforceId());
            }
            if (!next.getValue()) {
                String person = PersonKey.of(event.getEmail());
                if (directoryCurrent) {
                    SalesforcePeople listed = pusherDirectory.get(person);
                    if (listed != null) {
                        listed.getRecords().stream().map(DirectoryEntry::getId).forEach(targets::add);
                    }
                } else {
                    rows.stream().filter(row -> !row.deleted && row.email != null && PersonKey.of(row.email).equals(person))
                            .forEach(row -> targets.add(row.id));
                }
            }
            for (String id : targets) {
                Row row = byId.get(id);
                if (row != null && writable(row) && !row.optedOut) {
                    edit(row, () -> {
                        row.optedOut = true;
                        row.uncheckedByUser = false;
                    });
                    row.changedByUs = true;
                } else if (row != null && writable(row)) {
                    row.uncheckedByUser = false;
                }
            }
        }
    }

    private static boolean writable(Row row) {
        return !row.deleted && !row.converted;
    }

    private void check() {
        Map<String, Boolean> expected = new HashMap<>();
        for (Map.Entry<String, List<SpecificRecord>> person : eventsByPerson.entrySet()) {
            boolean unsubscribed = reference(person.getValue());
            expected.put(person.getKey(), unsubscribed);
            // I4: the ledger, the history (capture's API and the analyst tool) and the rule agree.
            boolean inLedger = ledger.get(person.getKey()) != null;
            if (inLedger != unsubscribed) {
                violations.add("I4: the ledger holds " + person.getKey() + (inLedger ? "" : " not") + " as unsubscribed; the rule says " + unsubscribed);
            }
            PersonHistory history = PersonHistory.newBuilder().setEntries(List.of()).build();
            for (SpecificRecord event : person.getValue()) {
                HistoryEntry entry = PersonTimeline.entry(event);
                history = PersonTimeline.append(history, entry);
            }
            if (PersonTimeline.state(person.getKey(), history).unsubscribed() != unsubscribed) {
                violations.add(
                        "I4: the history shows " + person.getKey() + " as " + (unsubscribed ? "subscribed" : "unsubscribed") + "; the rule says otherwise");
            }
            // I5: every event acknowledged is in the person's history (a retried one once).
            Set<String> shown = new HashSet<>();
            history.getEntries().forEach(e -> shown.add(e.getEventId()));
            for (SpecificRecord event : person.getValue()) {
                if (inputIds.contains(eventIdOf(event)) && !shown.contains(eventIdOf(event))) {
                    violations.add("I5: " + eventIdOf(event) + " is missing from the history of " + person.getKey());
                }
            }
        }
        // I1: every live record of an unsubscribed person is opted out, unless a user unchecked it (the nightly run's).
        for (Row row : rows) {
            if (!writable(row) || row.email == null) {
                continue;
            }
            String person = PersonKey.of(row.email);
            if (Boolean.TRUE.equals(expected.get(person)) && !row.optedOut && !row.uncheckedByUser) {
                violations.add("I1: " + (row.lead ? "Lead " : "Contact ") + row.id + " of unsubscribed " + person + " is not opted out");
            }
        }
    }

    /**
     * The reference rule, written apart from the code under test: a person is unsubscribed from all email after an
     * all-email unsubscribe, until a removal that happened no earlier than every unsubscribe since the last removal that
     * took effect (unsubscribes timed no later than they were recorded); an event seen again (a retry) changes nothing.
     */
    private static boolean reference(List<SpecificRecord> events) {
        Instant latest = null;
        boolean on = false;
        Set<String> seen = new HashSet<>();
        for (SpecificRecord event : events) {
            if (!seen.add(event.getClass().getSimpleName() + eventIdOf(event))) {
                continue; // the same event again (a retry)
            }
            if (event instanceof UnsubscribeRecorded r && r.getTopic() == null) {
                Instant at = r.getOccurredAt().isAfter(r.getRecordedAt()) ? r.getRecordedAt() : r.getOccurredAt();
                latest = latest == null || at.isAfter(latest) ? at : latest;
                on = true;
            } else if (event instanceof UnsubscribeRemoved r && r.getTopic() == null && on && !latest.isAfter(r.getOccurredAt())) {
                on = false;
                latest = null;
            }
        }
        return on;
    }

    private static String eventIdOf(SpecificRecord event) {
        return event instanceof UnsubscribeRecorded r ? r.getEventId() : ((UnsubscribeRemoved) event).getEventId();
    }

    private Optional<Row> row(int index) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(index % rows.size()));
    }

    private String eventId() {
        return "h" + number + "-e" + nextEvent++;
    }

    private Instant before(int minutes) {
        return now.get().minus(Duration.ofMinutes(minutes));
    }

    /** The person's key: the address in its ASCII, lower-case form. */
    private String person(int person) {
        return PersonKey.of(email(person, 0));
    }

    /** The person's address as a sender may spell it: as given, upper case, with its domain in ASCII, or both. */
    private String email(int person, int variant) {
        String local = "p" + person + ".h" + number;
        String domain = "bücher" + (person % 2) + ".example";
        return switch (variant % 4) {
            case 0 -> local + "@" + domain;
            case 1 -> (local + "@" + domain).toUpperCase(Locale.ROOT);
            case 2 -> local + "@" + IDN.toASCII(domain);
            default -> local.toUpperCase(Locale.ROOT) + "@" + IDN.toASCII(domain).toUpperCase(Locale.ROOT);
        };
    }
}
