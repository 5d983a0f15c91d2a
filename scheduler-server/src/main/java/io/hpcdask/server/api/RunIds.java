package io.hpcdask.server.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Run ids as ranges, {@code 1-1000,1005}: a submission's ids are mostly consecutive, so a wait for 10,000 runs fits in
 * a URL of a few bytes.
 */
public final class RunIds {
    /** The most ranges one request may name; each costs the server a lookup. */
    static final int MAX_RANGES = 10_000;

    private RunIds() {
    }

    /** One range of ids, both ends included. */
    public record Range(long first, long last) {
        public long size() {
            return last - first + 1;
        }

        public boolean contains(long id) {
            return id >= first && id <= last;
        }
    }

    public static String encode(List<String> ids) {
        List<Long> sorted = ids.stream().map(RunIds::parseId).sorted().distinct().toList();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < sorted.size(); ) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
                j++;
            }
            out.append(out.length() == 0 ? "" : ",").append(sorted.get(i));
            if (j > i) {
                out.append('-').append(sorted.get(j));
            }
            i = j + 1;
        }
        return out.toString();
    }

    public static List<Range> decode(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no run ids given; expected ranges such as 1-1000,1005");
        }
        String[] parts = text.split(",");
        if (parts.length > MAX_RANGES) {
            throw new IllegalArgumentException("more than " + MAX_RANGES + " ranges of run ids in one request");
        }
        List<Range> out = new ArrayList<>(parts.length);
        for (String part : parts) {
            int dash = part.indexOf('-', 1);
            long first = parseId(dash < 0 ? part : part.substring(0, dash));
            long last = dash < 0 ? first : parseId(part.substring(dash + 1));
            if (last < first) {
                throw new IllegalArgumentException("'" + part + "' is not a range of run ids: it ends before it starts");
            }
            out.add(new Range(first, last));
        }
        return out;
    }

    /** Whether {@code id} lies in any of {@code ranges}: sorted and merged once, then a binary search per id. */
    public static java.util.function.LongPredicate matcher(List<Range> ranges) {
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort(java.util.Comparator.comparingLong(Range::first));
        List<Range> merged = new ArrayList<>();
        for (Range r : sorted) {
            Range last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r.first() <= last.last() + 1) {
                merged.set(merged.size() - 1, new Range(last.first(), Math.max(last.last(), r.last())));
            } else {
                merged.add(r);
            }
        }
        long[] firsts = merged.stream().mapToLong(Range::first).toArray();
        return id -> {
            int i = java.util.Arrays.binarySearch(firsts, id);
            int at = i >= 0 ? i : -i - 2; // the last range that starts at or before id
            return at >= 0 && merged.get(at).contains(id);
        };
    }

    public static long count(List<Range> ranges) {
        return ranges.stream().mapToLong(Range::size).sum();
    }

    private static long parseId(String id) {
        try {
            long v = Long.parseLong(id.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("'" + id + "' is not a run id; expected a number such as 12");
    }
}
