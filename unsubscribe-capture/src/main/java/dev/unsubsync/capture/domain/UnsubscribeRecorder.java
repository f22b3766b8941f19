package dev.unsubsync.capture.domain;

import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.schemas.InvalidSalesforceIdException;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.SalesforceId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * (Over 300 lines, not split here: issue 14 separates its validation, idempotency memory, batching and removal path as
 * one step; this change added only the RFC 6531 local parts to its address rule.)
 *
 * <p>Turns a submitted unsubscribe into an {@link UnsubscribeRecorded} event and makes it durable. Validation happens here,
 * before anything is published, and reports every problem of a request at once.
 */
public final class UnsubscribeRecorder {

    /**
     * Local part and domain, one '@', no spaces, a dot in the domain; the practical subset of RFC 5321 mail providers
     * accept, with internationalised local parts (RFC 6531: letters, marks and digits of any script) — {@code jöns@example.se}
     * unsubscribes like anyone else. The domain is checked in its IDNA (ASCII) form.
     */
    private static final Pattern EMAIL = Pattern.compile(
            "^[\\p{L}\\p{M}\\p{N}!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");
    private static final int MAX_EMAIL_LENGTH = 254;
    private static final int MAX_TEXT_LENGTH = 1000;
    private static final String SOURCES = Arrays.stream(UnsubscribeSource.values()).filter(s -> s != UnsubscribeSource.OTHER)
            .map(s -> s.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));

    private final EventPublisher publisher;
    private final Clock clock;
    private final Duration maxClockSkew;
    private final Map<String, UnsubscribeRecorded> recentKeys = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, UnsubscribeRecorded> eldest) {
            return size() > RECENT_KEYS;
        }
    });

    /** Idempotency keys remembered per instance to answer a retry without writing again. */
    static final int RECENT_KEYS = 100_000;

    public UnsubscribeRecorder(EventPublisher publisher, Clock clock, Duration maxClockSkew) {
        this.publisher = publisher;
        this.clock = clock;
        this.maxClockSkew = maxClockSkew;
    }

    /** What {@link #record(UnsubscribeRequest, String, String)} did: the event, and whether it was an earlier one. */
    public record Recorded(UnsubscribeRecorded event, boolean replayed) {
    }

    /**
     * Records one unsubscribe idempotently. The key is the {@code Idempotency-Key} header, else the request's
     * {@code upstreamEventId}; with one, the event id is derived from the caller and the key, so a retry is the same
     * event: this instance answers it from memory without writing again, and should it reach another instance (or come
     * after a restart) it is written again under the same event id, which every consumer treats as the same event.
     *
     * @param idempotencyKey the header's value, or null
     * @throws InvalidUnsubscribeException when the request breaks an input rule, or the key is reused for another person
     */
    public Recorded record(UnsubscribeRequest request, String origin, String idempotencyKey) {
        try {
            return recordAsync(request, origin, idempotencyKey).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * As {@link #record(UnsubscribeRequest, String, String)}, answering at once: invalid input throws here, and the
     * future completes once Kafka holds the event (or fails with {@link EventNotDurableException}).
     */
    public java.util.concurrent.CompletableFuture<Recorded> recordAsync(UnsubscribeRequest request, String origin, String idempotencyKey) {
        String key = idempotencyKey != null && !idempotencyKey.isBlank() ? idempotencyKey.trim()
                : request.upstreamEventId() != null && !request.upstreamEventId().isBlank() ? request.upstreamEventId().trim() : null;
        UnsubscribeRecorded event = toEvent(request, origin);
        if (key == null) {
            return publisher.publishAsync(PersonKey.of(event.getEmail()), event).thenApply(done -> new Recorded(event, false));
        }
        if (key.length() > 255) {
            throw new InvalidUnsubscribeException(List.of(new FieldError("Idempotency-Key", "must be at most 255 characters, was " + key.length())));
        }
        String scoped = origin + "|" + key;
        UnsubscribeRecorded keyed = UnsubscribeRecorded.newBuilder(event).setEventId(keyedEventId(origin, key)).build();
        UnsubscribeRecorded earlier = recentKeys.get(scoped);
        if (earlier != null) {
            if (!PersonKey.of(earlier.getEmail()).equals(PersonKey.of(keyed.getEmail()))) {
                throw new InvalidUnsubscribeException(List.of(new FieldError("Idempotency-Key",
                        "was used for " + earlier.getEmail() + " already; a new unsubscribe needs a new key")));
            }
            return java.util.concurrent.CompletableFuture.completedFuture(new Recorded(earlier, true));
        }
        return publisher.publishAsync(PersonKey.of(keyed.getEmail()), keyed).thenApply(done -> {
            recentKeys.put(scoped, keyed);
            return new Recorded(keyed, false);
        });
    }

    /**
     * Validates and records one unsubscribe.
     *
     * @param origin name of the credential or system that submitted it
     * @return the recorded event, once Kafka holds it durably
     * @throws InvalidUnsubscribeException when the request breaks an input rule
     * @throws EventNotDurableException    when Kafka did not acknowledge it in time
     */
    public UnsubscribeRecorded record(UnsubscribeRequest request, String origin) {
        return record(request, origin, null).event();
    }


    /** The event id of a keyed unsubscribe: the same for the same caller and key, whichever instance records it. */
    static String keyedEventId(String origin, String key) {
        return UUID.nameUUIDFromBytes((origin + "|" + key).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /** Most unsubscribes one batch request may carry. */
    public static final int MAX_BATCH = 500;

    /**
     * The outcome of one item of a batch: recorded (with its event), invalid (with every problem), or not durable (why).
     */
    public record ItemOutcome(int index, UnsubscribeRecorded recorded, List<FieldError> errors, String notDurable) {
    }

    /**
     * Validates and records up to {@link #MAX_BATCH} unsubscribes: every valid one is published, all acknowledgements
     * are awaited together, and each item gets its own outcome.
     */
    public List<ItemOutcome> recordAll(List<UnsubscribeRequest> requests, String origin) {
        if (requests.size() > MAX_BATCH) {
            throw new InvalidUnsubscribeException(List.of(new FieldError("unsubscribes", "at most " + MAX_BATCH + " per request, got " + requests.size())));
        }
        List<ItemOutcome> outcomes = new ArrayList<>();
        List<java.util.Map.Entry<String, org.apache.avro.specific.SpecificRecord>> valid = new ArrayList<>();
        List<Integer> validIndex = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            try {
                UnsubscribeRecorded event = toEvent(requests.get(i) == null ? new UnsubscribeRequest(null, null, null, null, null, null, null, null, null) : requests.get(i), origin);
                if (event.getUpstreamEventId() != null) {
                    // The same derived id as a single request with this upstream id: a re-sent item is the same event.
                    event.setEventId(keyedEventId(origin, event.getUpstreamEventId()));
                }
                valid.add(java.util.Map.entry(PersonKey.of(event.getEmail()), event));
                validIndex.add(i);
                outcomes.add(new ItemOutcome(i, event, List.of(), null));
            } catch (InvalidUnsubscribeException e) {
                outcomes.add(new ItemOutcome(i, null, e.errors(), null));
            }
        }
        List<java.util.Optional<String>> published = publisher.publishAll(valid);
        for (int v = 0; v < valid.size(); v++) {
            int index = validIndex.get(v);
            if (published.get(v).isPresent()) {
                outcomes.set(index, new ItemOutcome(index, null, List.of(), published.get(v).get()));
            }
        }
        return outcomes;
    }

    /**
     * Records that an admin removed a person's unsubscribe on the sales side. It is never pushed to Salesforce: removing
     * it there is the admin's second, separate act (docs/architecture.md, "Decisions").
     */
    public UnsubscribeRemoved remove(String email, String reason, String removedBy) {
        return remove(email, reason, removedBy, null);
    }

    /** As {@link #remove(String, String, String)}, for one list or topic only when {@code topic} is given. */
    public UnsubscribeRemoved remove(String email, String reason, String removedBy, String topic) {
        List<FieldError> errors = new ArrayList<>();
        String address = email == null ? "" : email.trim();
        if (!validAddress(address) || address.length() > MAX_EMAIL_LENGTH) {
            errors.add(new FieldError("person", "is not a valid email address: '" + address + "'"));
        }
        checkLength(errors, "reason", reason);
        if (!errors.isEmpty()) {
            throw new InvalidUnsubscribeException(errors);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        UnsubscribeRemoved removed = UnsubscribeRemoved.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setEmail(address)
                .setRemovedBy(removedBy)
                .setReason(blankToNull(reason))
                .setOccurredAt(now)
                .setRecordedAt(now)
                .setTopic(blankToNull(topic))
                .build();
        publisher.publish(PersonKey.of(address), removed);
        return removed;
    }

    /**
     * An address whose local part is ASCII or internationalised (RFC 6531) and whose domain is ASCII or converts to it by
     * IDNA: {@code anna@bücher.de} is checked as {@code anna@xn--bcher-kva.de} (and kept as received).
     */
    static boolean validAddress(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return false;
        }
        return EMAIL.matcher(address.substring(0, at + 1) + PersonKey.asciiDomain(address.substring(at + 1))).matches();
    }

    /** Checks an email address and optional Salesforce ID as an unsubscribe would, without recording anything. */
    public void validatePerson(String email, String salesforceId) {
        toEvent(new UnsubscribeRequest(email, salesforceId, "one_click", null, null, null, null, null, null), "check");
    }

    UnsubscribeRecorded toEvent(UnsubscribeRequest request, String origin) {
        List<FieldError> errors = new ArrayList<>();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);

        String email = request.email() == null ? null : request.email().trim();
        if (email == null || email.isEmpty()) {
            errors.add(new FieldError("email", "is required"));
        } else if (email.length() > MAX_EMAIL_LENGTH) {
            errors.add(new FieldError("email", "must be at most " + MAX_EMAIL_LENGTH + " characters"));
        } else if (!validAddress(email)) {
            errors.add(new FieldError("email", "is not a valid email address: '" + email + "'"));
        }

        SalesforceId salesforceId = null;
        if (request.salesforceId() != null && !request.salesforceId().isBlank()) {
            try {
                salesforceId = SalesforceId.parsePerson(request.salesforceId().trim());
            } catch (InvalidSalesforceIdException e) {
                errors.add(new FieldError("salesforceId", e.getMessage()));
            }
        }

        UnsubscribeSource source = null;
        if (request.source() == null || request.source().isBlank()) {
            errors.add(new FieldError("source", "is required; one of " + SOURCES));
        } else {
            source = enumValue(UnsubscribeSource.class, request.source());
            if (source == null || source == UnsubscribeSource.OTHER) {
                errors.add(new FieldError("source", "'" + request.source() + "' is not one of " + SOURCES));
                source = null;
            }
        }
        String provider = blankToNull(request.provider());
        if (source == UnsubscribeSource.PROVIDER_WEBHOOK && provider == null) {
            errors.add(new FieldError("provider", "is required when source is provider_webhook (e.g. sendgrid, mailgun)"));
        }

        UnsubscribeScope scope = UnsubscribeScope.ALL_EMAIL;
        if (request.scope() != null && !request.scope().isBlank()) {
            scope = enumValue(UnsubscribeScope.class, request.scope());
            if (scope == null) {
                errors.add(new FieldError("scope", "'" + request.scope() + "' is not one of all_email, sales_email"));
            }
        }

        Instant occurredAt = now;
        if (request.occurredAt() != null && !request.occurredAt().isBlank()) {
            try {
                occurredAt = Instant.parse(request.occurredAt().trim()).truncatedTo(ChronoUnit.MILLIS);
                if (occurredAt.isAfter(now.plus(maxClockSkew))) {
                    errors.add(new FieldError("occurredAt", "lies in the future (" + occurredAt + " is after " + now + ")"));
                }
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("occurredAt", "must be an ISO-8601 instant such as 2026-01-31T17:45:00Z, was '" + request.occurredAt() + "'"));
            }
        }
        checkLength(errors, "reason", request.reason());
        checkLength(errors, "upstreamEventId", request.upstreamEventId());
        checkLength(errors, "provider", provider);
        checkLength(errors, "topic", request.topic());

        if (!errors.isEmpty()) {
            throw new InvalidUnsubscribeException(errors);
        }
        return UnsubscribeRecorded.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setEmail(email)
                .setSalesforceId(salesforceId == null ? null : salesforceId.to18())
                .setPersonType(personType(salesforceId))
                .setSource(source)
                .setProvider(provider)
                .setScope(scope)
                .setOccurredAt(occurredAt)
                .setRecordedAt(now)
                .setReason(blankToNull(request.reason()))
                .setUpstreamEventId(blankToNull(request.upstreamEventId()))
                .setOrigin(origin)
                .setTopic(blankToNull(request.topic()))
                .build();
    }

    private static PersonType personType(SalesforceId id) {
        if (id == null) {
            return PersonType.UNKNOWN;
        }
        return id.prefix().equals(SalesforceId.CONTACT_PREFIX) ? PersonType.CONTACT : PersonType.LEAD;
    }

    private static void checkLength(List<FieldError> errors, String field, String value) {
        if (value != null && value.length() > MAX_TEXT_LENGTH) {
            errors.add(new FieldError(field, "must be at most " + MAX_TEXT_LENGTH + " characters"));
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String raw) {
        try {
            return Enum.valueOf(type, raw.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
