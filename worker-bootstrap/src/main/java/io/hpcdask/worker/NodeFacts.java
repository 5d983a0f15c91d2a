package io.hpcdask.worker;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.Map;

/** What the node and its batch job tell us when the command line does not. */
final class NodeFacts {
    private NodeFacts() {
    }

    /** SLURM's or PBS's grant for this job, else every processor the JVM sees. */
    static int cores(Map<String, String> env) {
        for (String var : new String[] {"SLURM_CPUS_PER_TASK", "NCPUS"}) {
            Integer n = positiveInt(env.get(var));
            if (n != null) {
                return n;
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** SLURM_MEM_PER_NODE is in megabytes; otherwise the node's physical memory. */
    static long memoryBytes(Map<String, String> env) {
        Integer mb = positiveInt(env.get("SLURM_MEM_PER_NODE"));
        if (mb != null) {
            return mb * 1024L * 1024L;
        }
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** The batch job this worker runs in; array tasks get their own id so their names stay unique. */
    static String jobId(Map<String, String> env) {
        String arrayJob = blankToNull(env.get("SLURM_ARRAY_JOB_ID"));
        String arrayTask = blankToNull(env.get("SLURM_ARRAY_TASK_ID"));
        if (arrayJob != null && arrayTask != null) {
            return arrayJob + "_" + arrayTask;
        }
        String slurm = blankToNull(env.get("SLURM_JOB_ID"));
        if (slurm != null) {
            return slurm;
        }
        String pbs = blankToNull(env.get("PBS_JOBID"));
        if (pbs != null) {
            String index = blankToNull(env.get("PBS_ARRAY_INDEX"));
            // PBS Pro already writes subjobs as 123[4].server; only add the index when it is missing
            return index != null && !pbs.contains("[") ? pbs + "_" + index : pbs;
        }
        return blankToNull(env.get("HPC_DASK_JOB_ID"));
    }

    static String host(Map<String, String> env) {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            String h = blankToNull(env.get("HOSTNAME"));
            return h != null ? h : "unknown-host";
        }
    }

    private static Integer positiveInt(String v) {
        if (v == null) {
            return null;
        }
        try {
            // SLURM may write a unit suffix in some versions, e.g. 4000M
            int n = Integer.parseInt(v.trim().replaceAll("[Mm]$", ""));
            return n > 0 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** This worker's index in its job array (SLURM, PBS, or the local launcher), or -1 outside an array. */
    static int arrayIndex(Map<String, String> env) {
        for (String name : new String[] {"SLURM_ARRAY_TASK_ID", "PBS_ARRAY_INDEX", "HPC_DASK_ARRAY_TASK_ID"}) {
            String v = env.get(name);
            if (v != null && v.matches("\\d{1,9}")) {
                return Integer.parseInt(v);
            }
        }
        return -1;
    }
}
