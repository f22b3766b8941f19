package dev.unsubsync.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the person key: what it must and must never merge. */
class PersonKeyPropertyTest {

    @Provide
    Arbitrary<String> addresses() {
        Arbitrary<String> local = Arbitraries.strings().withChars("abcXYZ019.+_-").ofMinLength(1).ofMaxLength(20);
        Arbitrary<String> label = Arbitraries.strings().withChars("abcdefghXYZ0123äöüß").ofMinLength(1).ofMaxLength(12)
                .filter(l -> !l.startsWith("-") && !l.endsWith("-"));
        return Combinators.combine(local, label, Arbitraries.of("com", "de", "org")).as((l, d, tld) -> l + "@" + d + "." + tld);
    }

    @Property
    void isIdempotent(@ForAll("addresses") String address) {
        assertEquals(PersonKey.of(address), PersonKey.of(PersonKey.of(address)));
    }

    @Property
    void ignoresCaseAndSurroundingSpaceOnly(@ForAll("addresses") String address) {
        assertEquals(PersonKey.of(address), PersonKey.of("  " + address.toUpperCase(Locale.ROOT) + "\t"));
    }

    @Property
    void neverStripsTagsOrDots(@ForAll("addresses") String address) {
        String local = address.substring(0, address.lastIndexOf('@'));
        String key = PersonKey.of(address);
        assertEquals(local.toLowerCase(Locale.ROOT), key.substring(0, key.lastIndexOf('@')), "the local part keeps every + and .");
    }

    @Property
    void keysAreAscii(@ForAll("addresses") String address) {
        assertTrue(PersonKey.of(address).chars().allMatch(c -> c < 128), PersonKey.of(address));
    }

    @Example
    void unicodeAndPunycodeDomainsAreOnePerson() {
        assertEquals("anna@xn--bcher-kva.de", PersonKey.of("Anna@Bücher.de"));
        assertEquals(PersonKey.of("anna@bücher.de"), PersonKey.of("anna@xn--bcher-kva.de"));
        assertEquals("a.b+news@example.com", PersonKey.of("A.B+News@EXAMPLE.com"));
    }
}
