package io.hpcdask.protocol;

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
        throw new UnsupportedOperationException("not implemented yet"); // TODO(issue 8): implemented on branch net
    }
}
