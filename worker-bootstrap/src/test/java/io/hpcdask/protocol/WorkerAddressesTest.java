package io.hpcdask.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** Against this machine's real interfaces: lo always, and whatever non-loopback ones it has. */
class WorkerAddressesTest {

    @Test
    void aNamedInterfaceGivesItsIpv4Address() {
        WorkerAddresses.Choice c = WorkerAddresses.choose("lo", "192.0.2.250");
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.why()).isEqualTo("interface lo");
    }

    @Test
    void anUnknownInterfaceNamesTheOnesThatExistWithTheirAddresses() {
        assertThatThrownBy(() -> WorkerAddresses.choose("nosuch0", null))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("no network interface 'nosuch0' on this host; there are: ")
                .hasMessageContaining("lo (127.0.0.1");
    }

    @Test
    void aRouteTowardLoopbackFallsThroughToANonLoopbackAddress() throws Exception {
        InetAddress other = firstNonLoopbackIpv4();
        WorkerAddresses.Choice c = WorkerAddresses.choose(null, "127.0.0.1");
        assertThat(c.why()).doesNotStartWith("the route toward");
        if (other != null) {
            assertThat(InetAddress.getByName(c.host()).isLoopbackAddress()).as(c.toString()).isFalse();
        }
    }

    @Test
    void anUnresolvableControllerFallsThrough() {
        WorkerAddresses.Choice c = WorkerAddresses.choose(null, "no-such-host.invalid");
        assertThat(c.why()).doesNotStartWith("the route toward");
    }

    @Test
    void theRouteTowardALocalNonLoopbackAddressIsThatAddress() throws Exception {
        InetAddress other = firstNonLoopbackIpv4();
        if (other == null) {
            String why = "!!! this host has no non-loopback IPv4 address";
            System.err.println(why);
            org.junit.jupiter.api.Assertions.assertFalse("true".equalsIgnoreCase(System.getenv("CI")), why + " (CI=true: fails)");
            org.junit.jupiter.api.Assumptions.abort(why);
        }
        WorkerAddresses.Choice c = WorkerAddresses.choose(null, other.getHostAddress());
        assertThat(c.host()).isEqualTo(other.getHostAddress());
        assertThat(c.why()).isEqualTo("the route toward " + other.getHostAddress());
    }

    private static InetAddress firstNonLoopbackIpv4() throws Exception {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp() && !nif.isLoopback()) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return a;
                    }
                }
            }
        }
        return null;
    }
}
