package dev.unsubsync.capture.api;

import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.kit.FrameworkFree;
import dev.unsubsync.schemas.InvalidSalesforceIdException;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.SalesforceId;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a submitted unsubscribe or removal must be, checked the same way on every path (API, batch, webhooks, one-click,
 * removal) and reporting every problem of a request at once. Pure: no clock of its own, nothing published.
 */
@FrameworkFree
public final class UnsubscribeValidator {

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

    private final Duration maxClockSkew;

    /** @param maxClockSkew how far in the future an {@code occurredAt} may lie */
    public UnsubscribeValidator(Duration maxClockSkew) {
        this.maxClockSkew = maxClockSkew;
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
    public void validatePerson(String email, String salesforceId, Instant now) {
        toEvent(new UnsubscribeRequest(email, salesforceId, "one_click", null, null, null, null, null, null), "check", now);
    }

    /**
     * A removal's address (trimmed) if it and the reason are valid.
     *
     * @throws InvalidUnsubscribeException naming each field at fault
     */
    public String removalAddress(String email, String reason) {
        List<FieldError> errors = new ArrayList<>();
        String address = email == null ? "" : email.trim();
        checkAddress(errors, "person", address);
        checkLength(errors, "reason", reason);
        if (!errors.isEmpty()) {
            throw new InvalidUnsubscribeException(errors);
        }
        return address;
    }

    /**
     * The event a request stands for, received at {@code now}.
     *
     * @throws InvalidUnsubscribeException naming each field at fault
     */
    public UnsubscribeRecorded toEvent(UnsubscribeRequest request, String origin, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        now = now.truncatedTo(ChronoUnit.MILLIS);

        String email = request.email() == null ? null : request.email().trim();
        checkAddress(errors, "email", email);

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

    private static void checkAddress(List<FieldError> errors, String field, String email) {
        if (email == null || email.isEmpty()) {
            errors.add(new FieldError(field, "is required"));
        } else if (email.length() > MAX_EMAIL_LENGTH) {
            errors.add(new FieldError(field, "must be at most " + MAX_EMAIL_LENGTH + " characters"));
        } else if (!validAddress(email)) {
            errors.add(new FieldError(field, "is not a valid email address: '" + email + "'"));
        }
    }

    private static void checkLength(List<FieldError> errors, String field, String value) {
        if (value != null && value.length() > MAX_TEXT_LENGTH) {
            errors.add(new FieldError(field, "must be at most " + MAX_TEXT_LENGTH + " characters"));
        }
    }

    static String blankToNull(String value) {
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
