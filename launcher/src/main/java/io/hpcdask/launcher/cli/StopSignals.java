package io.hpcdask.launcher.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM as an interrupt of a command's thread instead of the JVM's default exit (status 130 or
 * 143): a command that holds something until the user stops it ends its work and returns its own exit code. The stop
 * is also kept as a flag, because a library call the interrupt lands in (an SSH command) may swallow it.
 */
final class StopSignals {
    private StopSignals() {
    }

    /** Whether a stop came, from now on. */
    static BooleanSupplier interruptOnStop(Thread thread) {
        AtomicBoolean stopped = new AtomicBoolean();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), s -> {
                    stopped.set(true);
                    thread.interrupt();
                });
            } catch (IllegalArgumentException e) {
                // ignored by whoever started this JVM (a background job's SIGINT): the default stays
            }
        }
        return stopped::get;
    }
}
