import java.util.List;

/**
 * The baseline for scripts/bench-runs: the same N runs of a command started one after the other as plain
 * ProcessBuilder processes, the least any launcher must pay per run. Prints the elapsed seconds.
 */
public final class SequentialProcesses {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        List<String> command = List.of(args).subList(1, args.length);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            int status = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (status != 0) {
                throw new IllegalStateException(command + " exited with " + status);
            }
        }
        System.out.printf("%.3f%n", (System.nanoTime() - start) / 1e9);
    }
}
