package dev.unsubsync.pusher.push;

import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.kit.FrameworkFree;
import dev.unsubsync.pusher.people.People;
import dev.unsubsync.pusher.people.PersonRecord;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.schemas.InvalidSalesforceIdException;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.SalesforceId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which Contacts and Leads each all-email unsubscribe of a batch reaches: the record its Salesforce ID names and, by
 * default, every other record with its email; without an ID, every record with its email — from the people directory
 * or, for the people it does not list, from one batched live query for the whole batch. While the directory is not
 * current (restarting with a backlog, or no reconciler keeping it), an event with an ID is looked up live too, so a
 * duplicate Contact or Lead with its email is never skipped.
 */
@FrameworkFree
final class RecordResolver {

    private final SalesforceWriter salesforce;
    private final People people;
    private final boolean everyRecordForEmail;

    /**
     * @param everyRecordForEmail whether an event with a Salesforce ID also reaches the email's other records
     */
    RecordResolver(SalesforceWriter salesforce, People people, boolean everyRecordForEmail) {
        this.salesforce = salesforce;
        this.people = people;
        this.everyRecordForEmail = everyRecordForEmail;
    }

    /**
     * The records each event reaches, in batch order (an empty list: none yet).
     *
     * @throws TransientPushFailure when the live query cannot be answered: an outage is not "no record"
     */
    Map<OptOutPusher.Inbound, List<PersonRecord>> reach(List<OptOutPusher.Inbound> batch) {
        return reach(batch, new LinkedHashMap<>());
    }

    /**
     * As {@link #reach(List)}; events whose live lookup Salesforce refuses for good (a query it will never answer as
     * asked: {@code INVALID_FIELD}, {@code MALFORMED_QUERY}, {@code INSUFFICIENT_ACCESS}, refused credentials) are left
     * out of the answer and put in {@code refused} with Salesforce's reason, so the rest of the batch goes on. On the
     * retry path (an event parked before) such a refusal throws instead: that loop backs off and holds up no one else.
     */
    Map<OptOutPusher.Inbound, List<PersonRecord>> reach(List<OptOutPusher.Inbound> batch, Map<OptOutPusher.Inbound, String> refused) {
        Map<OptOutPusher.Inbound, List<PersonRecord>> reach = new LinkedHashMap<>();
        Map<OptOutPusher.Inbound, String> unknown = new LinkedHashMap<>();
        for (OptOutPusher.Inbound inbound : batch) {
            UnsubscribeRecorded recorded = (UnsubscribeRecorded) inbound.event();
            List<PersonRecord> targets = new ArrayList<>();
            Optional<SalesforceId> id = salesforceId(recorded);
            id.ifPresent(named -> targets.add(PersonRecord.of(named.to18())));
            Optional<String> person = personKey(recorded);
            if (person.isPresent() && (id.isEmpty() || everyRecordForEmail && !inbound.namedRecordOnly())) {
                Optional<List<PersonRecord>> known = people.known(person.get());
                known.ifPresent(records -> records.stream().filter(r -> !targets.contains(r)).forEach(targets::add));
                // Without an ID the directory's silence is never trusted (a record may be newer than its last poll); with one,
                // it is trusted only while the directory is current: else the email's other records are looked up live.
                if (known.isEmpty() && (id.isEmpty() || !people.current())) {
                    unknown.put(inbound, person.get());
                }
            }
            reach.put(inbound, targets);
        }
        if (!unknown.isEmpty()) {
            Map<String, String> emails = new LinkedHashMap<>();
            unknown.forEach((inbound, person) -> emails.putIfAbsent(person, ((UnsubscribeRecorded) inbound.event()).getEmail()));
            Outcome<Map<String, List<PersonRecord>>> found = salesforce.findByEmail(emails.values());
            if (!(found instanceof Outcome.Ok<Map<String, List<PersonRecord>>>(Map<String, List<PersonRecord>> byPerson))) {
                boolean retryPath = unknown.keySet().stream().anyMatch(inbound -> !inbound.onlyFields().isEmpty());
                if (found.retryable() || retryPath) {
                    // An outage is not an answer: the batch waits and is tried again, nothing is decided.
                    throw new TransientPushFailure("could not look up " + emails.size() + " email(s) in Salesforce: " + found.describe());
                }
                // Refused for good: these events wait on the retry path (visible as PARKED), the others are written now.
                unknown.keySet().forEach(inbound -> {
                    refused.put(inbound, found.describe());
                    reach.remove(inbound);
                });
                return reach;
            }
            // Found or not, remembered for a while: a person with no record is pending, and a record that appears for
            // them later is opted out by the reconciler's directory, so asking again soon would only spend API calls.
            emails.keySet().forEach(person -> people.learned(person, byPerson.getOrDefault(person, List.of())));
            unknown.forEach((inbound, person) -> reach.get(inbound).addAll(byPerson.getOrDefault(person, List.of())));
        }
        return reach;
    }

    private static Optional<String> personKey(UnsubscribeRecorded recorded) {
        try {
            return Optional.of(PersonKey.of(recorded.getEmail()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The Contact or Lead an event names, when it names one by a valid ID. */
    static Optional<SalesforceId> salesforceId(UnsubscribeRecorded recorded) {
        if (recorded.getSalesforceId() == null) {
            return Optional.empty();
        }
        try {
            SalesforceId id = SalesforceId.parse(recorded.getSalesforceId());
            return id.personObjectType().isPresent() ? Optional.of(id) : Optional.empty();
        } catch (InvalidSalesforceIdException e) {
            return Optional.empty();
        }
    }
}
