package io.hpcdask.launcher.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/** Creates command objects, handing the {@link CliContext} to those whose constructor takes one. */
final class CommandFactory implements IFactory {
    private final CliContext context;
    private final IFactory fallback = CommandLine.defaultFactory();

    CommandFactory(CliContext context) {
        this.context = context;
    }

    /**
     * Looks the constructor up among the declared ones rather than by getDeclaredConstructor: a class without one
     * taking a CliContext would throw NoSuchMethodException, whose message the JDK builds with streams and lambdas,
     * linked at run time at the cost of a millisecond or more of every command's start.
     */
    @Override
    public <K> K create(Class<K> cls) throws Exception {
        Constructor<?> noArguments = null;
        for (Constructor<?> c : cls.getDeclaredConstructors()) {
            Class<?>[] parameters = c.getParameterTypes();
            if (parameters.length == 1 && parameters[0] == CliContext.class) {
                c.setAccessible(true);
                return cls.cast(c.newInstance(context));
            }
            if (parameters.length == 0) {
                noArguments = c;
            }
        }
        if (noArguments != null) {
            noArguments.setAccessible(true);
            return cls.cast(noArguments.newInstance());
        }
        return fallback.create(cls); // interfaces and collections: picocli's own choice
    }
}
