package io.hpcdask.server.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The baseline for {@link CoreBenchmark}: the obvious scheduler. On every event it walks the staged runs in order and,
 * for each, the workers in order, starting a run on the first worker with room. Same placement rules as the core
 * (one slot plus named amounts, staging order with backfill), no indexes.
 */
final class NaiveFirstFit {
    private static final List<String> NAMES = List.of("cores", "memory", "foo", "gpu", "bar");

    record Started(String runId, int worker) {}

    private final List<long[]> free = new ArrayList<>();
    private final List<int[]> freeSlots = new ArrayList<>();
    private final List<String> stagedIds = new ArrayList<>();
    private final List<long[]> stagedNeeds = new ArrayList<>();
    private final java.util.Map<String, long[]> runningNeeds = new java.util.HashMap<>();
    private int totalFreeSlots;
    final List<Started> started = new ArrayList<>();

    void join(WorkerSpec spec) {
        long[] f = new long[NAMES.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = NAMES.get(i).equals("gpu") ? spec.gpuIds().size() : spec.resources().getOrDefault(NAMES.get(i), 0L);
        }
        free.add(f);
        freeSlots.add(new int[] {spec.slots()});
        totalFreeSlots += spec.slots();
        dispatch();
    }

    void stage(List<NewRun<Object>> runs) {
        for (NewRun<Object> r : runs) {
            stagedIds.add(r.id().value());
            stagedNeeds.add(needs(r.requires()));
        }
        dispatch();
    }

    void finish(String runId, int worker) {
        long[] need = runningNeeds.remove(runId);
        long[] f = free.get(worker);
        for (int i = 0; i < f.length; i++) {
            f[i] += need[i];
        }
        freeSlots.get(worker)[0]++;
        totalFreeSlots++;
        dispatch();
    }

    private void dispatch() {
        for (int r = 0; r < stagedIds.size() && totalFreeSlots > 0; r++) {
            long[] need = stagedNeeds.get(r);
            for (int w = 0; w < free.size(); w++) {
                if (fits(w, need)) {
                    long[] f = free.get(w);
                    for (int i = 0; i < f.length; i++) {
                        f[i] -= need[i];
                    }
                    freeSlots.get(w)[0]--;
                    totalFreeSlots--;
                    String id = stagedIds.remove(r);
                    stagedNeeds.remove(r);
                    runningNeeds.put(id, need);
                    started.add(new Started(id, w));
                    r--;
                    break;
                }
            }
        }
    }

    private boolean fits(int w, long[] need) {
        if (freeSlots.get(w)[0] < 1) {
            return false;
        }
        long[] f = free.get(w);
        for (int i = 0; i < f.length; i++) {
            if (f[i] < need[i]) {
                return false;
            }
        }
        return true;
    }

    private static long[] needs(Map<String, Long> requires) {
        long[] n = new long[NAMES.size()];
        for (int i = 0; i < n.length; i++) {
            n[i] = requires.getOrDefault(NAMES.get(i), 0L);
        }
        return n;
    }
}
