package io.hpcdask.launcher.cli;

import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;

/**
 * Where an option of a model built in code ({@link CommandSpecs}) keeps its value: a command's field, read and written
 * by plain code instead of picocli's reflection over the field. The generated code subclasses it once per field, not
 * with lambdas: each lambda's call site is linked at its first call through method handles (a few hundred
 * microseconds each, interpreted), while a class comes ready from the command's class-data archive.
 */
abstract class FieldBinding implements IGetter, ISetter {
    /** The field's value. */
    abstract Object read();

    /** Sets the field. */
    abstract void write(Object value);

    /** A value of its own, for options whose value only picocli reads (the standard -h and -V). */
    static FieldBinding holding(Object initial) {
        return new Holder(initial);
    }

    @Override
    @SuppressWarnings("unchecked")
    public final <T> T get() {
        return (T) read();
    }

    @Override
    public final <T> T set(T value) {
        T old = get();
        write(value);
        return old;
    }

    private static final class Holder extends FieldBinding {
        private Object value;

        Holder(Object initial) {
            value = initial;
        }

        @Override
        Object read() {
            return value;
        }

        @Override
        void write(Object v) {
            value = v;
        }
    }
}
