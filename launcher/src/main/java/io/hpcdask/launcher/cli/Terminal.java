package io.hpcdask.launcher.cli;

import java.util.OptionalInt;

/**
 * The terminal a command's caller sits at, as the JVM would see it: whether standard input and output are both a
 * terminal ({@code System.console()} on Java 17) and, then, its width. {@link #SYSTEM} is this process's own; the CLI
 * daemon hands each call its client's.
 */
public interface Terminal {
    /** Whether standard input and output are a terminal. */
    boolean present();

    /** The terminal's width in columns, when {@link #present()} and known. */
    OptionalInt columns();

    /** Whether picocli, asked to detect the terminal itself, may (only for this process's own). */
    default boolean own() {
        return false;
    }

    Terminal SYSTEM = new Terminal() {
        @Override
        public boolean present() {
            return System.console() != null;
        }

        @Override
        public OptionalInt columns() {
            return present() ? TerminalWidth.fromTty() : OptionalInt.empty();
        }

        @Override
        public boolean own() {
            return true;
        }
    };

    /** A caller's terminal as it told it: {@code columns} 0 when unknown. */
    static Terminal of(boolean present, int columns) {
        return new Terminal() {
            @Override
            public boolean present() {
                return present;
            }

            @Override
            public OptionalInt columns() {
                return present && columns > 0 ? OptionalInt.of(columns) : OptionalInt.empty();
            }
        };
    }
}
