package dev.unsubsync.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SalesforceIdTest {

    @ParameterizedTest
    @CsvSource({
            "001M000000qfPyS, 001M000000qfPySIAU",
            "a0RE000000IJmcN, a0RE000000IJmcNMAT",
            "aBcDEfgHIJKLMNO, aBcDEfgHIJKLMNO025",
    })
    void fifteenCharacterIdsGainSalesforcesChecksum(String fifteen, String eighteen) {
        assertEquals(eighteen, SalesforceId.parse(fifteen).to18());
        assertEquals(fifteen, SalesforceId.parse(eighteen).to15());
    }

    @Test
    void eighteenCharacterIdWithWrongChecksumIsRefused() {
        var e = assertThrows(InvalidSalesforceIdException.class, () -> SalesforceId.parse("001M000000qfPySAAA"));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void checksumOfAnEighteenCharacterIdIsCaseInsensitive() {
        assertEquals(SalesforceId.parse("001M000000qfPySIAU"), SalesforceId.parse("001M000000qfPySiau"));
    }

    @Test
    void wrongLengthAndCharactersAreRefusedWithAReason() {
        assertTrue(assertThrows(InvalidSalesforceIdException.class, () -> SalesforceId.parse("003abc"))
                .getMessage().contains("15 or 18"));
        assertTrue(assertThrows(InvalidSalesforceIdException.class, () -> SalesforceId.parse("003M000000qf-yS"))
                .getMessage().contains("letters and digits"));
    }

    @Test
    void personIdsAreContactsOrLeadsByPrefix() {
        assertEquals(Optional.of("Contact"), SalesforceId.parsePerson("003000000000001").personObjectType());
        assertEquals(Optional.of("Lead"), SalesforceId.parsePerson("00Q000000000001").personObjectType());
        var e = assertThrows(InvalidSalesforceIdException.class, () -> SalesforceId.parsePerson("001M000000qfPyS"));
        assertTrue(e.getMessage().contains("prefix was 001"), e.getMessage());
    }

    @Test
    void idsCompareInTheirEighteenCharacterForm() {
        assertEquals(SalesforceId.parse("003000000000001"), SalesforceId.parse(SalesforceId.parse("003000000000001").to18()));
    }
}
