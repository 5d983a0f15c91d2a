package io.hpcdask.launcher.cli;

import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;

/**
 * Where an option of a model built in code ({@link CommandSpecs}) keeps its value: a command's field, read and written
 * by plain code instead of picocli's reflection over the field.
 */
final class FieldBinding implements IGetter, ISetter {
    private final Supplier<Object> getter;
    private final Consumer<Object> setter;

    private FieldBinding(Supplier<Object> getter, Consumer<Object> setter) {
        this.getter = getter;
        this.setter = setter;
    }

    static FieldBinding of(Supplier<Object> getter, Consumer<Object> setter) {
        return new FieldBinding(getter, setter);
    }

    /** A value of its own, for options whose value only picocli reads (the standard -h and -V). */
    static FieldBinding holding(Object initial) {
        Object[] value = {initial};
        return new FieldBinding(() -> value[0], v -> value[0] = v);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get() {
        return (T) getter.get();
    }

    @Override
    public <T> T set(T value) {
        T old = get();
        setter.accept(value);
        return old;
    }
}
