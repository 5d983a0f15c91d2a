package io.hpcdask.server;

import io.hpcdask.server.api.CancelSelection;
import io.hpcdask.server.api.RunIds;
import io.hpcdask.server.core.CoreRun;
import io.hpcdask.server.core.RunState;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Which of the core's staged and running runs a {@link CancelSelection} names: all, or those that pass every filter. */
public final class CancelFilter {
    private CancelFilter() {
    }

    /**
     * The test of one active run. {@code labelled} gives the ids of every run with a label (read once, from the store,
     * before the test runs on the loop).
     *
     * @throws IllegalArgumentException when the selection names nothing, or a state that cannot be cancelled
     */
    static Predicate<CoreRun> of(CancelSelection s, Function<String, Set<Long>> labelled) {
        if (s.selectsNothing()) {
            throw new IllegalArgumentException("no runs selected; expected all, ids, states or a label");
        }
        if (s.all()) {
            if (s.ids() != null || s.states() != null && !s.states().isEmpty() || s.label() != null) {
                throw new IllegalArgumentException("all selects every run: it takes no ids, states or label");
            }
            return r -> true;
        }
        LongPredicate ids = s.ids() == null ? id -> true : RunIds.matcher(RunIds.decode(s.ids()));
        Set<RunState> states = s.states() == null || s.states().isEmpty() ? null : cancellable(s.states());
        Set<Long> withLabel = s.label() == null ? null : labelled.apply(s.label());
        return r -> ids.test(r.id().number()) && (states == null || states.contains(r.state()))
                && (withLabel == null || withLabel.contains(r.id().number()));
    }

    /** The states named, each one a run can be cancelled in. */
    public static Set<RunState> cancellable(List<String> labels) {
        Set<RunState> out = EnumSet.noneOf(RunState.class);
        for (String label : labels) {
            RunState state;
            try {
                state = RunState.fromLabel(label);
            } catch (IllegalArgumentException e) {
                state = null;
            }
            if (state == null || state.isFinal()) {
                throw new IllegalArgumentException("state: '" + label + "' is not a state a run can be cancelled in;"
                        + " expected " + cancellableStates());
            }
            out.add(state);
        }
        return out;
    }

    /** The states a run can be cancelled in, as users type them: {@code staged or running}. */
    public static String cancellableStates() {
        List<String> labels = Arrays.stream(RunState.values()).filter(s -> !s.isFinal()).map(RunState::label).toList();
        return labels.size() == 1 ? labels.get(0)
                : labels.subList(0, labels.size() - 1).stream().collect(Collectors.joining(", ")) + " or "
                        + labels.get(labels.size() - 1);
    }
}
