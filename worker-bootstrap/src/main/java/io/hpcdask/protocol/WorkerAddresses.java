package io.hpcdask.protocol;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The address compute nodes should dial to reach a scheduler listening on this host. Shared by the scheduler server
 * (which tells workers where to dial) and the network probe that {@code doctor} runs on the login node.
 */
public final class WorkerAddresses {
    /** @param host an IP literal workers dial; @param why how it was chosen, for {@code cluster up} and logs */
    public record Choice(String host, String why) {
    }

    private WorkerAddresses() {
    }

    /**
     * In order: the address of {@code interfaceName} when given; else the local address of the route toward
     * {@code towardHost} (the batch system's controller) when given and not loopback; else the first non-loopback
     * address of this host. Never loopback unless the host has nothing else.
     *
     * @throws InvalidValueException when the named interface does not exist or has no address (the message lists the
     *                               interfaces there are)
     */
    public static Choice choose(String interfaceName, String towardHost) {
        if (interfaceName != null && !interfaceName.isBlank()) {
            return ofInterface(interfaceName.strip());
        }
        if (towardHost != null && !towardHost.isBlank()) {
            Choice routed = toward(towardHost.strip());
            if (routed != null) {
                return routed;
            }
        }
        return fallback();
    }

    private static Choice ofInterface(String name) {
        NetworkInterface nif;
        try {
            nif = NetworkInterface.getByName(name);
        } catch (SocketException e) {
            nif = null;
        }
        if (nif == null) {
            throw new InvalidValueException("no network interface '" + name + "' on this host; there are: " + existing());
        }
        InetAddress chosen = preferIpv4(Collections.list(nif.getInetAddresses()));
        if (chosen == null) {
            throw new InvalidValueException("network interface '" + name + "' has no address; interfaces with addresses: "
                    + existing());
        }
        return new Choice(literal(chosen), "interface " + name);
    }

    /**
     * Connecting a UDP socket sends nothing; it only asks the kernel which local address its route to the host
     * uses, which is the network the batch system's own traffic (and so the compute nodes) live on.
     */
    private static Choice toward(String host) {
        InetAddress target;
        try {
            target = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(target, 9));
            InetAddress local = probe.getLocalAddress();
            if (local == null || local.isLoopbackAddress() || local.isAnyLocalAddress()) {
                return null;
            }
            String named = host.equals(target.getHostAddress()) ? host : host + " (" + target.getHostAddress() + ")";
            return new Choice(literal(local), "the route toward " + named);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Choice fallback() {
        try {
            InetAddress self = InetAddress.getLocalHost();
            List<InetAddress> all = new ArrayList<>(List.of(InetAddress.getAllByName(self.getHostName())));
            all.removeIf(a -> a.isLoopbackAddress() || a.isLinkLocalAddress());
            InetAddress chosen = preferIpv4(all);
            if (chosen != null) {
                return new Choice(literal(chosen), "the address of host name " + self.getHostName());
            }
        } catch (IOException e) {
            // an unresolvable own host name is common on nodes; the interfaces still tell
        }
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                List<InetAddress> usable = new ArrayList<>(Collections.list(nif.getInetAddresses()));
                usable.removeIf(InetAddress::isLinkLocalAddress);
                InetAddress chosen = preferIpv4(usable);
                if (chosen != null) {
                    return new Choice(literal(chosen), "the first non-loopback interface, " + nif.getName());
                }
            }
        } catch (SocketException e) {
            // nothing to list: loopback below
        }
        return new Choice("127.0.0.1", "loopback: this host has no other address");
    }

    private static InetAddress preferIpv4(List<InetAddress> addresses) {
        for (InetAddress a : addresses) {
            if (a instanceof Inet4Address) {
                return a;
            }
        }
        for (InetAddress a : addresses) {
            if (!a.isLinkLocalAddress()) {
                return a;
            }
        }
        return addresses.isEmpty() ? null : addresses.get(0);
    }

    /** The address as workers write it: no scope suffix, no host name. */
    private static String literal(InetAddress a) {
        String text = a.getHostAddress();
        int scope = text.indexOf('%');
        return scope > 0 ? text.substring(0, scope) : text;
    }

    /** e.g. {@code lo (127.0.0.1, ::1), eth0 (192.0.2.2), ifb0 (no address)}. */
    private static String existing() {
        List<String> out = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                List<String> addrs = new ArrayList<>();
                int ipv4 = 0;
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    // IPv4 first: the one a name picks
                    addrs.add(a instanceof Inet4Address ? ipv4++ : addrs.size(), literal(a));
                }
                out.add(nif.getName() + " (" + (addrs.isEmpty() ? "no address" : String.join(", ", addrs)) + ")");
            }
        } catch (SocketException e) {
            return "(cannot list interfaces: " + e.getMessage() + ")";
        }
        Collections.sort(out);
        return String.join(", ", out);
    }
}
