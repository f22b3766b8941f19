package dev.unsubsync.pusher.people;

import dev.unsubsync.kit.FrameworkFree;
import java.util.List;
import java.util.Optional;

/**
 * The Contacts and Leads each person has in Salesforce, by person key (the normalised email), as the people directory
 * ({@code salesforce-people}) lists them. A port, so the pusher's rules are tested without Kafka.
 */
@FrameworkFree
public interface People {

    /**
     * The records the directory lists for the person, converted Leads already replaced by their Contact; empty when it
     * lists none (unknown to the directory, or the directory is not {@link #current}: then only what a live lookup found).
     */
    Optional<List<PersonRecord>> known(String personKey);

    /**
     * Whether the directory may be trusted to list every record of the people it lists, and to push a record that joins
     * an unsubscribed person later: read to its end, still followed, and kept by a reconciler that has finished a full
     * load and read Salesforce recently. While it is not, an unsubscribe that names a record looks up the email's other
     * records live as well.
     */
    boolean current();

    /**
     * Remembers what a live lookup in Salesforce found for a person (possibly nothing), until the directory lists the
     * person itself; {@link #known} answers it meanwhile.
     */
    void learned(String personKey, List<PersonRecord> records);

    /** No directory: every person is looked up live. */
    People NONE = new People() {
        @Override
        public Optional<List<PersonRecord>> known(String personKey) {
            return Optional.empty();
        }

        @Override
        public void learned(String personKey, List<PersonRecord> records) {
        }

        @Override
        public boolean current() {
            return false;
        }
    };
}
