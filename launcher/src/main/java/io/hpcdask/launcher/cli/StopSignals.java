package io.hpcdask.launcher.cli;

import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM as an interrupt of a command's thread instead of the JVM's default exit (status 130 or
 * 143): a command that holds something until the user stops it ends its work and returns its own exit code.
 */
final class StopSignals {
    private StopSignals() {
    }

    static void interruptOnStop(Thread thread) {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), s -> thread.interrupt());
            } catch (IllegalArgumentException e) {
                // ignored by whoever started this JVM (a background job's SIGINT): the default stays
            }
        }
    }
}
