package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The model built by the generated code ({@link CommandSpecs}) is the one picocli builds from the annotations: the same
 * options and parameters with every attribute, the same usage message attributes, byte for byte the same help; and
 * the generated code is what the annotations say today. CommandTreeTest runs every command's help and bad command
 * lines through both trees.
 */
class CommandSpecsTest {
    private static final CliContext CONTEXT = new CliContext(Map.of(), Path.of("/nonexistent"));

    static Stream<Class<?>> commands() {
        return CommandTree.types().stream();
    }

    @Test
    void theGeneratedCodeIsWhatTheAnnotationsSay() throws Exception {
        String source = CommandSpecsSource.generate();
        if (Boolean.getBoolean("hpc-dask.regenerate")) {
            Files.writeString(CommandSpecsSource.FILE, source, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(CommandSpecsSource.FILE, StandardCharsets.UTF_8))
                .as("CommandSpecs.java is out of date with the commands' annotations; regenerate it as its comment says")
                .isEqualTo(source);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void theModelInCodeIsTheAnnotatedOne(Class<?> type) throws Exception {
        CommandFactory factory = new CommandFactory(CONTEXT);
        CommandLine annotated = new CommandLine(type, factory);
        CommandLine code = new CommandLine(CommandSpecs.build(type, factory), factory);
        assertThat(describe(code.getCommandSpec())).isEqualTo(describe(annotated.getCommandSpec()));
        assertThat(code.getCommand().getClass()).isEqualTo(type);
        assertThat(code.getUsageMessage()).isEqualTo(annotated.getUsageMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void theOutlineIsTheAnnotatedNameAndDescription(Class<?> type) {
        Command a = type.getAnnotation(Command.class);
        CommandSpec outline = CommandSpecs.outline(type);
        assertThat(outline.name()).isEqualTo(a.name());
        assertThat(outline.aliases()).containsExactly(a.aliases());
        assertThat(outline.usageMessage().description()).containsExactly(a.description());
        assertThat(outline.usageMessage().header()).containsExactly(a.header());
        assertThat(outline.usageMessage().hidden()).isEqualTo(a.hidden());
        List<String> names = new ArrayList<>(List.of(a.name()));
        names.addAll(List.of(a.aliases()));
        assertThat(CommandSpecs.names(type)).containsExactlyElementsOf(names);
    }

    /** Every attribute of the model that parsing, help, completion or the commands read, one per line. */
    private static List<String> describe(CommandSpec spec) {
        List<String> d = new ArrayList<>();
        d.add("name " + spec.name() + " aliases " + Arrays.toString(spec.aliases()));
        d.add("version " + (spec.versionProvider() == null ? null : spec.versionProvider().getClass()));
        d.add("stopAtPositional " + spec.parser().stopAtPositional() + " mixins " + spec.mixins().keySet()
                + " mixinStandardHelpOptions " + spec.mixinStandardHelpOptions());
        UsageMessageSpec u = spec.usageMessage();
        d.add("usage " + List.of(Arrays.toString(u.description()), Arrays.toString(u.header()), Arrays.toString(u.footer()),
                u.footerHeading(), u.headerHeading(), u.descriptionHeading(), u.synopsisHeading(), u.optionListHeading(),
                u.parameterListHeading(), u.commandListHeading(), u.exitCodeListHeading(), String.valueOf(u.exitCodeList()),
                String.valueOf(u.sortOptions()), String.valueOf(u.hidden()), String.valueOf(u.showDefaultValues())));
        for (ArgSpec a : spec.args()) {
            StringBuilder b = new StringBuilder();
            if (a instanceof OptionSpec o) {
                b.append("option ").append(Arrays.toString(o.names())).append(" usageHelp ").append(o.usageHelp())
                        .append(" versionHelp ").append(o.versionHelp()).append(" order ").append(o.order())
                        .append(" negatable ").append(o.negatable()).append(" fallback ").append(o.fallbackValue());
            } else {
                b.append("positional ").append(((PositionalParamSpec) a).index());
            }
            b.append(" label ").append(a.paramLabel()).append(" arity ").append(a.arity()).append(" unspecified ")
                    .append(a.arity().isUnspecified()).append(" type ").append(a.type()).append(" aux ")
                    .append(Arrays.toString(a.auxiliaryTypes())).append(" multi ").append(a.isMultiValue())
                    .append(" description ").append(Arrays.toString(a.description())).append(" key ").append(a.descriptionKey())
                    .append(" default ").append(a.defaultValue()).append(" hasInitial ").append(a.hasInitialValue())
                    .append(" initial ").append(a.initialValue()).append(" hidden ").append(a.hidden()).append(" required ")
                    .append(a.required()).append(" split ").append(a.splitRegex()).append(" interactive ").append(a.interactive())
                    .append(" hideParamSyntax ").append(a.hideParamSyntax()).append(" showDefault ").append(a.showDefaultValue())
                    .append(" candidates ").append(a.completionCandidates() == null ? null : listOf(a.completionCandidates()))
                    .append(" scope ").append(a.scopeType()).append(" inherited ").append(a.inherited())
                    .append(" value ").append((Object) a.getValue());
            d.add(b.toString());
        }
        return d;
    }

    private static List<String> listOf(Iterable<String> values) {
        List<String> l = new ArrayList<>();
        values.forEach(l::add);
        return l;
    }
}
