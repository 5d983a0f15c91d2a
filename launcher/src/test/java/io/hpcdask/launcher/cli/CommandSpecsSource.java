package io.hpcdask.launcher.cli;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Writes {@code CommandSpecs.java}, the picocli model of every command as code, from the commands' annotations (the
 * one description of each command): picocli builds each command from its annotations here, and this turns that
 * model back into the builder calls that make it without reflection. Only the annotation attributes the commands
 * use are known; any other fails the generation (teach it here), so nothing is left out silently.
 */
final class CommandSpecsSource {
    static final Path FILE = Path.of("src/main/java/io/hpcdask/launcher/cli/CommandSpecs.java");
    private static final String HELP_MIXIN = "mixinStandardHelpOptions";

    private final StringBuilder methods = new StringBuilder();
    private final Set<Class<?>> mixinTypes = new java.util.LinkedHashSet<>();

    private CommandSpecsSource() {
    }

    static String generate() {
        return new CommandSpecsSource().source();
    }

    private String source() {
        List<Class<?>> types = CommandTree.types();
        CommandFactory factory = new CommandFactory(new CliContext(Map.of(), Path.of("/nonexistent")));
        StringBuilder build = new StringBuilder();
        StringBuilder names = new StringBuilder();
        StringBuilder outlines = new StringBuilder();
        for (Class<?> type : types) {
            String method = method(type);
            build.append("        if (type == ").append(simple(type)).append(".class) {\n            return ").append(method)
                    .append("(f);\n        }\n");
            Command a = type.getAnnotation(Command.class);
            List<String> all = new ArrayList<>();
            all.add(a.name());
            all.addAll(List.of(a.aliases()));
            names.append("        if (type == ").append(simple(type)).append(".class) {\n            return new String[] {")
                    .append(literals(all.toArray(String[]::new))).append("};\n        }\n");
            outlines.append("        if (type == ").append(simple(type)).append(".class) {\n            return outline(")
                    .append(literal(a.name())).append(", new String[] {").append(literals(a.aliases())).append("}, new String[] {")
                    .append(literals(a.description())).append("}, new String[] {").append(literals(a.header())).append("}, ")
                    .append(a.hidden()).append(");\n        }\n");
            CommandSpec spec = new CommandLine(type, factory).getCommandSpec();
            methods.append("\n    private static CommandSpec ").append(method).append("(IFactory f) throws Exception {\n")
                    .append("        ").append(simple(type)).append(" c = f.create(").append(simple(type)).append(".class);\n");
            body(type, spec);
        }
        return HEADER + build + "        throw new IllegalArgumentException(\"not a command: \" + type);\n    }\n\n"
                + "    /** The command's name and aliases. */\n    static String[] names(Class<?> type) {\n" + names
                + "        throw new IllegalArgumentException(\"not a command: \" + type);\n    }\n\n"
                + "    /** The command as its parent's help and errors list it: name, aliases, description, header. */\n"
                + "    static CommandSpec outline(Class<?> type) {\n" + outlines
                + "        throw new IllegalArgumentException(\"not a command: \" + type);\n    }\n" + HELPERS + standardHelp() + methods + pendingMixins + "}\n";
    }

    /** The statements that build {@code spec} for the object in variable {@code c}, ending with its return. */
    private void body(Class<?> type, CommandSpec spec) {
        StringBuilder m = methods;
        m.append("        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);\n");
        String transformer = null;
        for (Class<?> k : hierarchy(type)) {
            Command a = k.getAnnotation(Command.class);
            if (a != null) {
                transformer = commandAttributes(a, transformer);
            }
        }
        for (Class<?> k : hierarchy(type)) {
            for (Field field : k.getDeclaredFields()) {
                Spec s = field.getAnnotation(Spec.class);
                if (s != null) {
                    if (s.value() != Spec.Target.SELF) {
                        throw new IllegalStateException(field + ": only @Spec of the command itself is generated");
                    }
                    m.append("        c.").append(field.getName()).append(" = s;\n");
                }
                for (Annotation other : field.getAnnotations()) {
                    String n = other.annotationType().getName();
                    if (n.startsWith("picocli.") && !Set.of(Option.class, Parameters.class, Mixin.class, Spec.class)
                            .contains(other.annotationType())) {
                        throw new IllegalStateException(field + ": @" + n + " is not generated; teach CommandSpecsSource");
                    }
                }
            }
        }
        Map<ArgSpec, String> owner = new IdentityHashMap<>();
        spec.mixins().forEach((name, mixin) -> mixin.args().forEach(arg -> owner.put(arg, name)));
        Set<String> done = new java.util.HashSet<>();
        int n = 0;
        for (ArgSpec arg : spec.args()) {
            String mixin = owner.get(arg);
            if (mixin != null) {
                if (done.add(mixin)) {
                    mixin(spec, mixin, n++);
                }
            } else if (arg.userObject() instanceof Field field) {
                arg(arg, field);
            } else {
                throw new IllegalStateException(type + ": " + arg + " is neither a field nor a mixin's");
            }
        }
        if (transformer != null) {
            m.append("        s = f.create(").append(transformer).append(".class).transform(s);\n");
        }
        m.append("        return s;\n    }\n");
    }

    /** Emits the @Command attributes other than their defaults; returns the model transformer's class, if any. */
    private String commandAttributes(Command a, String transformer) {
        StringBuilder m = methods;
        for (Method attr : attributes(Command.class)) {
            Object value = invoke(attr, a);
            if (same(value, attr.getDefaultValue())) {
                continue;
            }
            String name = attr.getName();
            switch (name) {
                case "name" -> m.append("        s.name(").append(literal((String) value)).append(");\n");
                case "aliases" -> m.append("        s.aliases(").append(literals((String[]) value)).append(");\n");
                case "mixinStandardHelpOptions" -> { } // its options come with the others, in the model's order
                case "versionProvider" -> m.append("        s.versionProvider(f.create(").append(simple((Class<?>) value))
                        .append(".class));\n");
                case "modelTransformer" -> transformer = simple((Class<?>) value);
                case "sortOptions", "hidden" -> m.append("        s.usageMessage().").append(name).append("(").append(value)
                        .append(");\n");
                case "description", "header", "footer", "footerHeading", "headerHeading", "descriptionHeading",
                        "synopsisHeading", "optionListHeading", "parameterListHeading", "commandListHeading",
                        "exitCodeListHeading" -> m.append("        s.usageMessage().").append(name).append("(")
                        .append(value instanceof String[] v ? literals(v) : literal((String) value)).append(");\n");
                case "exitCodeList" -> {
                    // picocli's own reading of "key:value" pairs, split at the first colon
                    m.append("        Map<String, String> exitCodes = new LinkedHashMap<>();\n");
                    for (String pair : (String[]) value) {
                        int colon = pair.indexOf(':');
                        m.append("        exitCodes.put(").append(literal(pair.substring(0, colon))).append(", ")
                                .append(literal(pair.substring(colon + 1))).append(");\n");
                    }
                    m.append("        s.usageMessage().exitCodeList(exitCodes);\n");
                }
                default -> throw new IllegalStateException("@Command(" + name + ") is not generated; teach CommandSpecsSource");
            }
        }
        return transformer;
    }

    private void mixin(CommandSpec spec, String name, int n) {
        StringBuilder m = methods;
        if (name.equals(HELP_MIXIN)) {
            m.append("        s.addMixin(\"").append(HELP_MIXIN).append("\", standardHelp(f));\n");
            return;
        }
        Field field = (Field) spec.mixinAnnotatedElements().get(name).userObject();
        Mixin a = field.getAnnotation(Mixin.class);
        if (!a.name().isEmpty()) {
            throw new IllegalStateException(field + ": @Mixin(name) is not generated; teach CommandSpecsSource");
        }
        Class<?> type = field.getType();
        String v = "m" + n;
        // picocli keeps a mixin the field already holds, else makes one
        m.append("        ").append(simple(type)).append(' ').append(v).append(" = c.").append(field.getName()).append(";\n")
                .append("        if (").append(v).append(" == null) {\n            ").append(v).append(" = f.create(")
                .append(simple(type)).append(".class);\n            c.").append(field.getName()).append(" = ").append(v)
                .append(";\n        }\n")
                .append("        s.addMixin(").append(literal(name)).append(", ").append(method(type)).append("(").append(v)
                .append(", f));\n");
        if (mixinTypes.add(type)) {
            StringBuilder saved = new StringBuilder(methods);
            methods.setLength(0);
            methods.append("\n    private static CommandSpec ").append(method(type)).append("(").append(simple(type))
                    .append(" c, IFactory f) throws Exception {\n");
            body(type, spec.mixins().get(name));
            String mixinMethod = methods.toString();
            methods.setLength(0);
            methods.append(saved);
            pendingMixins.append(mixinMethod);
        }
    }

    private final StringBuilder pendingMixins = new StringBuilder();
    private int bindings;

    private void arg(ArgSpec arg, Field field) {
        StringBuilder m = methods;
        String b = "b" + bindings++;
        String cast = boxed(field.getGenericType().getTypeName().replace('$', '.'));
        m.append("        FieldBinding ").append(b).append(" = new FieldBinding() {\n")
                .append("            @Override\n            Object read() {\n                return c.").append(field.getName())
                .append(";\n            }\n\n            @Override\n            void write(Object v) {\n                c.")
                .append(field.getName()).append(" = (").append(cast).append(") v;\n            }\n        };\n");
        Annotation a = arg.isOption() ? field.getAnnotation(Option.class) : field.getAnnotation(Parameters.class);
        if (arg.isOption()) {
            m.append("        s.addOption(OptionSpec.builder(").append(literals(((Option) a).names())).append(")");
        } else {
            m.append("        s.addPositional(PositionalParamSpec.builder()");
        }
        for (Method attr : attributes(a.annotationType())) {
            Object value = invoke(attr, a);
            String name = attr.getName();
            if (name.equals("names") || same(value, attr.getDefaultValue())) {
                continue;
            }
            switch (name) {
                case "descriptionKey" -> { } // below, as the model has it
                case "paramLabel", "arity", "defaultValue", "index" -> m.append("\n                .")
                        .append(name).append("(").append(literal((String) value)).append(")");
                case "split" -> m.append("\n                .splitRegex(").append(literal((String) value)).append(")");
                case "description" -> m.append("\n                .description(").append(literals((String[]) value)).append(")");
                case "hidden", "required" -> m.append("\n                .").append(name).append("(").append(value).append(")");
                default -> throw new IllegalStateException(field + ": " + name + " is not generated; teach CommandSpecsSource");
            }
        }
        if (arg.isOption() && same(invoke(method(Option.class, "paramLabel"), a), "")) {
            m.append("\n                .paramLabel(").append(literal(arg.paramLabel())).append(")");
        }
        if (!arg.isOption() && same(invoke(method(Parameters.class, "paramLabel"), a), "")) {
            m.append("\n                .paramLabel(").append(literal(arg.paramLabel())).append(")");
        }
        if (!arg.isOption() && arg.required()) { // picocli's: a parameter whose arity asks for a value
            m.append("\n                .required(true)");
        }
        m.append("\n                .descriptionKey(").append(literal(arg.descriptionKey())).append(")");
        // picocli reads the field when it builds the model: its value before parsing
        m.append("\n                .initialValue(c.").append(field.getName()).append(")");
        m.append("\n                .type(").append(classLiteral(arg.type())).append(")");
        List<String> aux = new ArrayList<>();
        for (Class<?> t : arg.auxiliaryTypes()) {
            aux.add(classLiteral(t));
        }
        m.append(".auxiliaryTypes(").append(String.join(", ", aux)).append(")");
        m.append("\n                .setter(").append(b).append(").getter(").append(b).append(").build());\n");
    }

    private static final String HEADER = """
            package io.hpcdask.launcher.cli;

            import java.util.LinkedHashMap;
            import java.util.Map;
            import picocli.CommandLine.IFactory;
            import picocli.CommandLine.Model.CommandSpec;
            import picocli.CommandLine.Model.OptionSpec;
            import picocli.CommandLine.Model.PositionalParamSpec;

            /**
             * GENERATED from the commands' annotations by CommandSpecsSource (launcher's tests); do not edit. After changing
             * a command's annotations: {@code mvn -B -o -pl launcher -am -Dtest=CommandSpecsTest
             * -Dsurefire.failIfNoSpecifiedTests=false -Dhpc-dask.regenerate=true test}.
             *
             * <p>Each command's picocli model built by code, as picocli builds it from the annotations (CommandSpecsTest
             * compares the two), without reading annotations at run time: picocli's reflection made 7 annotation proxy
             * classes and their method handles at every start, which a Java 17 class-data archive cannot hold.
             */
            @SuppressWarnings({"unchecked", "rawtypes", "unused"})
            final class CommandSpecs {
                private CommandSpecs() {
                }

                /** The model of the command of this type, its object made by {@code f}. */
                static CommandSpec build(Class<?> type, IFactory f) throws Exception {
            """;

    private static final String HELPERS = """

                private static CommandSpec outline(String name, String[] aliases, String[] description, String[] header,
                        boolean hidden) {
                    CommandSpec spec = CommandSpec.create().name(name).aliases(aliases);
                    spec.usageMessage().description(description).header(header).hidden(hidden);
                    return spec;
                }
            """;

    private String standardHelp() {
        CommandSpec spec = CommandSpec.create().mixinStandardHelpOptions(true);
        StringBuilder m = new StringBuilder("\n    private static CommandSpec standardHelp(IFactory f) {\n"
                + "        CommandSpec s = CommandSpec.create();\n");
        int n = 0;
        for (OptionSpec o : spec.mixins().get(HELP_MIXIN).options()) {
            String b = "h" + n++;
            m.append("        FieldBinding ").append(b).append(" = FieldBinding.holding(false);\n");
            m.append("        s.addOption(OptionSpec.builder(").append(literals(o.names())).append(")")
                    .append(o.usageHelp() ? ".usageHelp(true)" : "").append(o.versionHelp() ? ".versionHelp(true)" : "")
                    .append("\n                .descriptionKey(").append(literal(o.descriptionKey())).append(").description(")
                    .append(literals(o.description())).append(")\n                .paramLabel(").append(literal(o.paramLabel()))
                    .append(").initialValue(false).type(boolean.class).setter(" + b + ").getter(" + b + ").build());\n");
        }
        return m.append("        return s;\n    }\n").toString();
    }

    // --- source text helpers

    /** An annotation's attributes by name: the order of getDeclaredMethods is not fixed, the generated text must be. */
    private static List<Method> attributes(Class<? extends Annotation> type) {
        List<Method> l = new ArrayList<>(List.of(type.getDeclaredMethods()));
        l.sort(java.util.Comparator.comparing(Method::getName));
        return l;
    }

    private static List<Class<?>> hierarchy(Class<?> type) {
        List<Class<?>> up = new ArrayList<>();
        for (Class<?> k = type; k != null && k != Object.class; k = k.getSuperclass()) {
            up.add(0, k);
        }
        return up;
    }

    private static String method(Class<?> type) {
        String s = type.getSimpleName();
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static String simple(Class<?> type) {
        if (!type.getPackageName().equals(CommandSpecsSource.class.getPackageName())) {
            return type.getName().replace('$', '.');
        }
        return type.getName().substring(type.getPackageName().length() + 1).replace('$', '.');
    }

    private static String classLiteral(Class<?> type) {
        return (type.isPrimitive() || type.getName().startsWith("java.lang.") && type.getName().indexOf('.', 10) < 0
                ? type.getSimpleName() : simple(type)) + ".class";
    }

    private static String boxed(String type) {
        return switch (type) {
            case "int" -> "Integer";
            case "boolean" -> "Boolean";
            case "long" -> "Long";
            case "double" -> "Double";
            default -> type.startsWith("java.lang.") && type.indexOf('.', 10) < 0 ? type.substring(10) : type;
        };
    }

    static String literal(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20 || ch > 0x7e) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String literals(String[] values) {
        List<String> l = new ArrayList<>();
        for (String v : values) {
            l.add(literal(v));
        }
        return String.join(", ", l);
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Object[] x && b instanceof Object[] y) {
            return java.util.Arrays.equals(x, y);
        }
        return java.util.Objects.equals(a, b);
    }

    private static Method method(Class<?> type, String name) {
        try {
            return type.getMethod(name);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object invoke(Method m, Object target) {
        try {
            return m.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }
}
