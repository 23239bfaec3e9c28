package io.consort.cli.member;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Which address books can carry casts by IP multicast, and that every member derives the same group. */
class AddressBookTest {
    @Test
    void membersOnOwnAddressesAndOnePortGetAGroupFromThePort() {
        AddressBook first = AddressBook.parse("10.77.9.1:7400,10.77.9.2:7400,10.77.9.3:7400", "0", null);
        AddressBook third = AddressBook.parse("10.77.9.1:7400,10.77.9.2:7400,10.77.9.3:7400", "2", null);
        assertEquals("239.77.28.232", first.multicastGroup().getHostAddress()); // 7400 = 28 * 256 + 232
        assertEquals(first.multicastGroup(), third.multicastGroup());
    }

    @Test
    void loopbackOrMixedPortsCannot() {
        assertNull(AddressBook.parse("127.0.0.1:7401,127.0.0.1:7402", "0", null).multicastGroup());
        assertNull(AddressBook.parse("127.0.0.1:7400,127.0.0.2:7400", "0", null).multicastGroup());
        assertNull(AddressBook.parse("10.77.9.1:7400,10.77.9.2:7401", "0", null).multicastGroup());
    }
}
