package dev.unsubsync.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What logs show of an address: enough to tell people apart, not to read the address. */
class PersonKeyMaskTest {

    @Test
    void anAddressIsMaskedToItsFirstCharacterAndDomain() {
        assertEquals("a***@example.com", PersonKey.masked("ada.lovelace@example.com"));
        assertEquals("j***@xn--bcher-kva.example", PersonKey.masked("jöns@xn--bcher-kva.example".replace("jöns", "jons")));
        assertEquals("n***", PersonKey.masked("no-at-sign"));
        assertEquals("null", PersonKey.masked(null));
    }
}
