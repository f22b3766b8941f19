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
        // Simple (per character) upper-casing: String.toUpperCase turns ß into SS, which IDNA2008 rightly holds to be
        // another domain (straße.de and strasse.de are two), so it is not a change of case.
        String upper = address.codePoints().map(Character::toUpperCase)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        assertEquals(PersonKey.of(address), PersonKey.of("  " + upper + "\t"));
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

    @Example
    void domainsAreNormalisedByUts46NotIdna2003() {
        // IDNA2003 (the JDK's java.net.IDN) maps ß to ss and ς to σ: two different domains would be one person.
        assertEquals("hans@xn--strae-oqa.de", PersonKey.of("hans@straße.de"));
        assertEquals("hans@strasse.de", PersonKey.of("hans@strasse.de"));
        assertEquals("straße.de", PersonKey.unicodeDomain("xn--strae-oqa.de"));
        // Fullwidth dots and capitals map as UTS #46 says; a domain that breaks its rules is left as it is, for validation to refuse.
        assertEquals("anna@xn--bcher-kva.de", PersonKey.of("anna@BÜCHER\uFF0Ede"));
        assertEquals("a\u200Db.example", PersonKey.asciiDomain("a\u200Db.example"), "a joiner outside its context is an error, not dropped");
    }
}
