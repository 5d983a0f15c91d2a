package io.hpcdask.server.scaling;

import java.util.ArrayList;
import java.util.List;

/** Records every effect the autoscaler asks for, in order, as readable lines. */
final class RecordingEffects implements ScalingEffects {
    final List<String> effects = new ArrayList<>();
    final List<String> logs = new ArrayList<>();

    @Override
    public void submit(String profile, int count) {
        effects.add("submit " + profile + " " + count);
    }

    @Override
    public void cancel(String profile, List<String> jobIds) {
        effects.add("cancel " + profile + " " + String.join(",", jobIds));
    }

    @Override
    public void drain(String worker) {
        effects.add("drain " + worker);
    }

    @Override
    public void stop(String worker) {
        effects.add("stop " + worker);
    }

    @Override
    public void log(String line) {
        logs.add(line);
    }

    List<String> take() {
        List<String> out = new ArrayList<>(effects);
        effects.clear();
        return out;
    }
}
