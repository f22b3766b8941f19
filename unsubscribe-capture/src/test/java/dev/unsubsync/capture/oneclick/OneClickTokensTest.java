package dev.unsubsync.capture.oneclick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class OneClickTokensTest {

    private final OneClickTokens tokens = new OneClickTokens("a-secret-of-at-least-thirty-two-characters");

    @Test
    void aTokenNamesThePersonItWasIssuedFor() {
        var person = new OneClickTokens.Person("Ada.Lovelace@Example.com", "003Dn0000000001IAA", "winter-launch");
        assertEquals(Optional.of(person), tokens.verify(tokens.issue(person)));
        var minimal = new OneClickTokens.Person("x@example.com", null, null);
        assertEquals(Optional.of(minimal), tokens.verify(tokens.issue(minimal)));
    }

    @Test
    void anAlteredTokenIsRefused() {
        String token = tokens.issue(new OneClickTokens.Person("ada@example.com", null, null));
        String otherPerson = tokens.issue(new OneClickTokens.Person("grace@example.com", null, null));
        String swapped = otherPerson.substring(0, otherPerson.indexOf('.')) + token.substring(token.indexOf('.'));
        assertTrue(tokens.verify(swapped).isEmpty(), "someone else's payload under my signature");
        assertTrue(tokens.verify(token + "x").isEmpty());
        assertTrue(tokens.verify("not-a-token").isEmpty());
        assertTrue(tokens.verify("").isEmpty());
    }

    @Test
    void aTokenFromAnotherSecretIsRefused() {
        String foreign = new OneClickTokens("another-secret-of-thirty-two-characters!").issue(new OneClickTokens.Person("ada@example.com", null, null));
        assertTrue(tokens.verify(foreign).isEmpty());
    }

    @Test
    void aShortSecretIsRefusedAtStart() {
        assertThrows(IllegalArgumentException.class, () -> new OneClickTokens("short"));
    }
}
