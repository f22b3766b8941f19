package dev.unsubsync.pusher.people;

import dev.unsubsync.events.DirectoryEntry;
import dev.unsubsync.events.DirectoryState;
import dev.unsubsync.events.SalesforcePeople;
import dev.unsubsync.kit.kafka.CompactedView;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The people directory as this pusher instance holds it: every partition of {@code salesforce-people} read from its
 * beginning and followed, kept in memory as person key → the IDs to write (a converted Lead already replaced by its
 * Contact). Only IDs are kept — a single string for the usual one record — so a million people cost about 240 MiB of heap
 * (measured, see docs/benchmarks.md).
 *
 * <p>The directory is a cache of Salesforce, never the truth: a person it does not list is looked up live, so a lag or
 * an unreadable entry costs API calls, not unsubscribes. What a live lookup found is kept for {@code learnedTtl}, until
 * the directory lists it itself.
 */
public final class PeopleDirectory implements People, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeopleDirectory.class);

    /** person key → a String (one ID) or a String[] (several). */
    private final Map<String, Object> byPerson = new ConcurrentHashMap<>();
    private final Map<String, Learned> learned = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration learnedTtl;
    private final CompactedView view;
    private final CompactedView stateView;
    private final Duration maxAge;
    private volatile DirectoryState state;

    private record Learned(List<PersonRecord> records, Instant until) {
    }

    /**
     * @param clientConfig bootstrap servers and registry settings
     * @param maxAge       how long after the reconciler last read Salesforce (poll or full load) the directory is still
     *                     trusted to list every record of a person
     */
    public PeopleDirectory(Map<String, Object> clientConfig, Clock clock, Duration learnedTtl, Duration maxAge, MeterRegistry metrics) {
        this.clock = clock;
        this.learnedTtl = learnedTtl;
        this.maxAge = maxAge;
        Map<String, Object> config = new HashMap<>(clientConfig);
        // Large fetches: the directory is read whole at start-up.
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024);
        // A cache: an entry that can never be decoded is skipped, and the people it lists are looked up live instead.
        this.view = new CompactedView("people-directory", Topics.SALESFORCE_PEOPLE, config, this::apply,
                () -> LOG.info("People directory read: {} people", byPerson.size()), true);
        this.stateView = new CompactedView("people-directory-state", Topics.DIRECTORY_STATE, clientConfig, (key, value) -> {
            if (Topics.DIRECTORY_STATE_KEY.equals(key)) {
                state = value instanceof DirectoryState read ? read : null;
            }
        }, () -> {
        }, true);
        Gauge.builder("unsubsync.directory.current", this, d -> d.current() ? 1 : 0)
                .description("1 while the directory is trusted to list every record of a person (read, followed, and refreshed from"
                        + " Salesforce within the pusher's directory-max-age); 0: unsubscribes with an ID look the email up live too")
                .register(metrics);
        Gauge.builder("unsubsync.directory.people", byPerson, Map::size).description("People (emails) the directory lists").register(metrics);
        Gauge.builder("unsubsync.directory.caught.up", view, v -> v.caughtUp() ? 1 : 0)
                .description("1 once the directory topic has been read to its end").register(metrics);
    }

    @Override
    public Optional<List<PersonRecord>> known(String personKey) {
        // A directory that is not current may list a person without their newest records: not trusted at all then.
        Object ids = current() ? byPerson.get(personKey) : null;
        if (ids != null) {
            List<PersonRecord> records = new ArrayList<>();
            if (ids instanceof String id) {
                records.add(PersonRecord.of(id));
            } else {
                for (String id : (String[]) ids) {
                    records.add(PersonRecord.of(id));
                }
            }
            return Optional.of(records);
        }
        return fresh(personKey).map(Learned::records);
    }

    /** What a live lookup found for the person, while it is remembered. */
    private Optional<Learned> fresh(String personKey) {
        Learned found = learned.get(personKey);
        if (found != null && clock.instant().isBefore(found.until())) {
            return Optional.of(found);
        }
        if (found != null) {
            learned.remove(personKey, found);
        }
        return Optional.empty();
    }

    /**
     * Whether the directory (or a recent live lookup) knows the person: the cheap check of the batch gathering, which
     * runs for every record.
     */
    public boolean lists(String personKey) {
        return current() && byPerson.containsKey(personKey) || fresh(personKey).isPresent();
    }

    @Override
    public boolean current() {
        return view.caughtUp() && stateView.caughtUp() && refreshed(state, clock.instant(), maxAge);
    }

    /**
     * Whether the reconciler that keeps the directory has finished a full load and read Salesforce (a poll or a full load)
     * within {@code maxAge} of {@code now}: false with no state at all (no reconciler, or its directory turned off).
     */
    static boolean refreshed(DirectoryState state, Instant now, Duration maxAge) {
        if (state == null || state.getFullLoadEndedAt() == null) {
            return false;
        }
        Instant last = state.getFullLoadEndedAt();
        if (state.getLastPollAt() != null && state.getLastPollAt().isAfter(last)) {
            last = state.getLastPollAt();
        }
        return !last.plus(maxAge).isBefore(now);
    }

    @Override
    public void learned(String personKey, List<PersonRecord> records) {
        if (!learnedTtl.isZero()) {
            learned.put(personKey, new Learned(List.copyOf(records), clock.instant().plus(learnedTtl)));
        }
    }

    /** Whether the directory has been read to its end once. */
    public boolean caughtUp() {
        return view.caughtUp();
    }

    /** Waits until the directory has been read to its end once; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return view.awaitCaughtUp(timeout);
    }

    /** People listed. */
    public int size() {
        return byPerson.size();
    }

    void apply(String personKey, Object value) {
        if (personKey == null) {
            return;
        }
        if (!(value instanceof SalesforcePeople people) || people.getRecords().isEmpty()) {
            byPerson.remove(personKey);
            return;
        }
        List<String> ids = new ArrayList<>(people.getRecords().size());
        for (DirectoryEntry entry : people.getRecords()) {
            try {
                String id = PersonRecord.writable(entry.getId(), entry.getIsConverted(), entry.getConvertedContactId()).id();
                if (!ids.contains(id)) {
                    ids.add(id);
                }
            } catch (IllegalArgumentException e) {
                LOG.warn("Directory entry of {} lists an unusable ID {}; left out", PersonKey.masked(personKey), entry.getId());
            }
        }
        if (ids.isEmpty()) {
            byPerson.remove(personKey);
        } else {
            byPerson.put(personKey, ids.size() == 1 ? ids.getFirst() : ids.toArray(String[]::new));
        }
        learned.remove(personKey);
    }

    @PreDestroy
    @Override
    public void close() {
        view.close();
        stateView.close();
    }
}
