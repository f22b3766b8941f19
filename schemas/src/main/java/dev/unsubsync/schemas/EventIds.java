package dev.unsubsync.schemas;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Event ids derived from a name (a name-based UUID): the same name always gives the same id, so a retried write is a
 * repeat the history and the pusher recognise, and two events that differ carry names that differ.
 */
public final class EventIds {

    private EventIds() {
    }

    /** The id of the event named {@code name}. */
    public static String derived(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
