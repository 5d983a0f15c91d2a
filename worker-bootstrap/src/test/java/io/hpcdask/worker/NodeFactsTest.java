package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeFactsTest {
    @Test
    void slurmArrayTasksGetTheirOwnJobId() {
        assertThat(NodeFacts.jobId(Map.of("SLURM_JOB_ID", "1005", "SLURM_ARRAY_JOB_ID", "1000", "SLURM_ARRAY_TASK_ID", "5")))
                .isEqualTo("1000_5");
        assertThat(NodeFacts.jobId(Map.of("SLURM_JOB_ID", "1005"))).isEqualTo("1005");
    }

    @Test
    void pbsJobIdsKeepTheirArrayIndex() {
        assertThat(NodeFacts.jobId(Map.of("PBS_JOBID", "77.pbs1"))).isEqualTo("77.pbs1");
        assertThat(NodeFacts.jobId(Map.of("PBS_JOBID", "77[3].pbs1", "PBS_ARRAY_INDEX", "3"))).isEqualTo("77[3].pbs1");
        assertThat(NodeFacts.jobId(Map.of("PBS_JOBID", "77.pbs1", "PBS_ARRAY_INDEX", "3"))).isEqualTo("77.pbs1_3");
    }

    @Test
    void theLocalLauncherIdIsTheLastResort() {
        assertThat(NodeFacts.jobId(Map.of("HPC_DASK_JOB_ID", "local-4"))).isEqualTo("local-4");
        assertThat(NodeFacts.jobId(Map.of())).isNull();
    }

    @Test
    void coresComeFromTheBatchGrantFirst() {
        assertThat(NodeFacts.cores(Map.of("SLURM_CPUS_PER_TASK", "6", "NCPUS", "3"))).isEqualTo(6);
        assertThat(NodeFacts.cores(Map.of("NCPUS", "3"))).isEqualTo(3);
        assertThat(NodeFacts.cores(Map.of("NCPUS", "junk"))).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void memoryComesFromSlurmInMegabytesElseThePhysicalMemory() {
        assertThat(NodeFacts.memoryBytes(Map.of("SLURM_MEM_PER_NODE", "4000"))).isEqualTo(4000L << 20);
        assertThat(NodeFacts.memoryBytes(Map.of())).isGreaterThan(Runtime.getRuntime().maxMemory() / 4);
    }
}
