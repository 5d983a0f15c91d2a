package io.hpcdask.server.scaling;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How many empty workers of one profile the staged runs need: first-fit by shape, each run taking one slot and its
 * requirements. Counting stops at a cap (the profile's {@code max}), so a queue of a million runs costs no more than
 * {@code max} workers per shape.
 */
final class WorkerPacking {
    private WorkerPacking() {
    }

    /** One shape of staged runs: their requirements and how many are staged. */
    record Runs(Map<String, Long> requires, int count) {}

    static int workersFor(ProfileCapacity capacity, List<Runs> shapes, int cap) {
        List<Bin> bins = new ArrayList<>();
        for (Runs s : shapes) {
            int left = s.count();
            for (Bin b : bins) {
                if (left == 0) {
                    break;
                }
                left -= b.take(s.requires(), left);
            }
            while (left > 0 && bins.size() < cap) {
                Bin b = new Bin(capacity);
                int took = b.take(s.requires(), left);
                if (took == 0) {
                    break; // does not fit an empty worker: never ours to ask for
                }
                bins.add(b);
                left -= took;
            }
        }
        return bins.size();
    }

    private static final class Bin {
        final ProfileCapacity capacity;
        final Map<String, Long> used = new java.util.HashMap<>();
        int slotsLeft;

        Bin(ProfileCapacity capacity) {
            this.capacity = capacity;
            this.slotsLeft = capacity.slots();
        }

        /** Puts up to {@code n} runs of {@code requires} here; returns how many fitted. */
        int take(Map<String, Long> requires, int n) {
            long fit = Math.min(n, slotsLeft);
            for (Map.Entry<String, Long> e : requires.entrySet()) {
                long free = capacity.offer(e.getKey()) - used.getOrDefault(e.getKey(), 0L);
                fit = Math.min(fit, free < 0 ? 0 : free / e.getValue());
            }
            if (fit <= 0) {
                return 0;
            }
            slotsLeft -= (int) fit;
            for (Map.Entry<String, Long> e : requires.entrySet()) {
                if (capacity.offer(e.getKey()) != Long.MAX_VALUE) {
                    used.merge(e.getKey(), e.getValue() * fit, Long::sum);
                }
            }
            return (int) fit;
        }
    }
}
