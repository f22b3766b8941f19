package dev.unsubsync.pusher.push;

import dev.unsubsync.kit.FrameworkFree;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Fields an event could not be written to yet, and why: a field not writable yet (it waits for the field check), or a
 * record Salesforce refused for now (a locked row: the retry path tries it again with backoff).
 */
@FrameworkFree
public record Parking(Kind kind, List<String> fields, String reason) {

    /** Reason prefix of an event parked because Salesforce refused its live lookup for good. */
    public static final String LOOKUP_REFUSED = "LOOKUP_REFUSED";

    /** Why an event is parked. */
    public enum Kind { FIELD_NOT_WRITABLE, RETRY_LATER }

    /** The reason as the parked-reason header and the result carry it ({@code RETRY …} on the retry path). */
    public String describe() {
        return kind == Kind.RETRY_LATER ? "RETRY " + reason : reason;
    }

    /** Adds fields to an event's parking; once on the retry path, it stays there (with its first reason). */
    static Parking withFields(Optional<Parking> existing, List<String> fields, Parking.Kind kind, String reason) {
        LinkedHashSet<String> all = new LinkedHashSet<>(fields);
        existing.ifPresent(p -> all.addAll(p.fields()));
        Parking.Kind stays = existing.map(Parking::kind).filter(k -> k == Parking.Kind.RETRY_LATER).orElse(kind);
        String why = existing.filter(p -> p.kind() == Parking.Kind.RETRY_LATER).map(Parking::reason).orElse(reason);
        return new Parking(stays, List.copyOf(all), why);
    }
}
