package dev.unsubsync.emulator.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Deterministic sample data: the same Contacts and Leads, with the same IDs, on every start. The first Contact is
 * Ada Lovelace ({@code ada.lovelace@example.com}), the first Lead Grace Hopper ({@code grace.hopper@example.com}).
 * Seeding again continues the sequence ({@code ada.lovelace1@example.com}, ...), so emails stay unique per type.
 */
public final class Seed {

    private static final List<String[]> PEOPLE = List.of(
            new String[]{"Ada", "Lovelace"}, new String[]{"Grace", "Hopper"}, new String[]{"Alan", "Turing"},
            new String[]{"Katherine", "Johnson"}, new String[]{"Edsger", "Dijkstra"}, new String[]{"Barbara", "Liskov"},
            new String[]{"Donald", "Knuth"}, new String[]{"Margaret", "Hamilton"}, new String[]{"John", "Backus"},
            new String[]{"Frances", "Allen"}, new String[]{"Tony", "Hoare"}, new String[]{"Radia", "Perlman"},
            new String[]{"Leslie", "Lamport"}, new String[]{"Shafi", "Goldwasser"}, new String[]{"Ken", "Thompson"},
            new String[]{"Adele", "Goldberg"}, new String[]{"Niklaus", "Wirth"}, new String[]{"Hedy", "Lamarr"},
            new String[]{"Dennis", "Ritchie"}, new String[]{"Annie", "Easley"});

    private Seed() {
    }

    /** Creates {@code contacts} Contacts and {@code leads} Leads, none opted out. */
    public static void into(Org org, int contacts, int leads) {
        into(org, contacts, leads, 0);
    }

    /**
     * Creates {@code contacts} Contacts and {@code leads} Leads; every {@code optedOutEvery}-th of each (counting from the
     * first) starts with Email Opt Out set, none when 0.
     */
    public static void into(Org org, int contacts, int leads, int optedOutEvery) {
        SObjectType contact = org.schema().require("Contact");
        SObjectType lead = org.schema().require("Lead");
        int firstContact = org.count(contact);
        for (int i = firstContact; i < firstContact + contacts; i++) {
            Map<String, Object> fields = person(i);
            if (optedOutEvery > 0 && (i - firstContact) % optedOutEvery == 0) {
                fields.put("HasOptedOutOfEmail", Boolean.TRUE);
            }
            org.create(contact, fields);
        }
        int firstLead = org.count(lead);
        for (int i = firstLead; i < firstLead + leads; i++) {
            // Leads start one name further on, so the first Lead is not the first Contact.
            Map<String, Object> fields = person(i + 1);
            fields.put("Company", "Example Corp " + (i + 1));
            if (optedOutEvery > 0 && (i - firstLead) % optedOutEvery == 0) {
                fields.put("HasOptedOutOfEmail", Boolean.TRUE);
            }
            org.create(lead, fields);
        }
    }

    private static Map<String, Object> person(int n) {
        String[] name = PEOPLE.get(n % PEOPLE.size());
        int round = n / PEOPLE.size();
        String local = (name[0] + "." + name[1]).toLowerCase(Locale.ROOT) + (round == 0 ? "" : String.valueOf(round));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("FirstName", name[0]);
        fields.put("LastName", name[1]);
        fields.put("Email", local + "@example.com");
        return fields;
    }
}
