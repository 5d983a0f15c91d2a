package io.hpcdask.server.core;

import io.hpcdask.protocol.ReportHold;
import java.util.Comparator;
import java.util.TreeSet;

/**
 * Which workers may be sent a run ahead of their free capacity, and which one a run goes to. A run is sent ahead only
 * when it can start on no worker now (so no worker idles while it waits in another's queue at the time it is sent),
 * it names no gpu (device ids are chosen when a run takes them, and a run sent ahead takes nothing until it starts),
 * it holds no reservation, and a worker taking runs fits it by total capacity and holds fewer than its share ahead:
 * {@link CoreConfig#aheadPerSlot()} x its slots when that is fixed, else (adaptive, the server's default) as many runs
 * as it gets through in {@link #BUDGET_MILLIS} ms ({@link RunPace}), at least 1 and at most
 * {@value #MAX_ADAPTIVE_PER_SLOT} per slot: a worker of short runs always holds a few ms of work, one of long runs one
 * run per slot, and a run waits behind at most about that much work on a worker while another could have taken it
 * (the tail of an array is not stretched). Among those, the earliest-joined gets it, as in dispatch. A worker whose
 * share is full takes more only once half of it has started: it is then filled up again in one dispatch, so several
 * runs go out in one frame instead of one per start (a share of 1 or 2 refills at every start).
 * Pure bookkeeping beside {@link ShapeIndex}: kept current on every change of a worker, so a decision never scans
 * workers that are full.
 */
final class AheadRuns {
    /**
     * Work an adaptive share holds ahead: a busy worker may hold its reports up to {@link ReportHold#MILLIS}, and the
     * share is filled up again once half of it has started, so half of it must last through a hold and a round trip
     * (about 2 ms under load) for the worker never to run dry.
     */
    static final int BUDGET_MILLIS = (int) (2 * (ReportHold.MILLIS + 2));
    static final int MAX_ADAPTIVE_PER_SLOT = 16;

    /** Runs per slot; {@link CoreConfig#AHEAD_ADAPTIVE}: chosen per worker from its pace. */
    private final int perSlot;
    private final TreeSet<Worker> open = new TreeSet<>(Comparator.comparingInt(w -> w.order));

    AheadRuns(int perSlot) {
        this.perSlot = perSlot;
    }

    boolean enabled() {
        return perSlot != 0;
    }

    /** How many runs {@code w} may hold ahead now. */
    long share(Worker w) {
        if (perSlot != CoreConfig.AHEAD_ADAPTIVE) {
            return (long) perSlot * w.slots;
        }
        if (!w.pace.known()) {
            return w.slots;
        }
        double runs = Math.ceil(BUDGET_MILLIS / w.pace.millisPerEnd()); // infinite when ends come faster than the clock
        return (long) Math.max(w.slots, Math.min((double) MAX_ADAPTIVE_PER_SLOT * w.slots, runs));
    }

    /** The worker to send {@code head} of {@code s} ahead to, or null. */
    Worker pick(Shape s, Run head) {
        if (open.isEmpty() || head.reserved != null || s.candidates == 0 || s.requires.containsKey(ResourceNames.GPU)) {
            return null;
        }
        for (Worker w : open) {
            if (s.fitsTotal(w)) {
                return w;
            }
        }
        return null;
    }

    /** Keeps {@code w}'s place current; {@code live}: it is the connected worker of its name. */
    void refresh(Worker w, boolean live) {
        long share = share(w);
        int held = w.ahead.size();
        if (enabled() && live && w.acceptsRuns() && w.reservedFor == null
                && (held <= share / 2 || held < share && open.contains(w))) {
            open.add(w);
        } else {
            open.remove(w);
        }
    }

    void forget(Worker w) {
        open.remove(w);
    }
}
