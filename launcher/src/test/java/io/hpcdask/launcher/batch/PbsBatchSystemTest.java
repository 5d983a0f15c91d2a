package io.hpcdask.launcher.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Walltime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PBS's parsing, id form and amounts. PBS Pro is read from outputs captured on a real OpenPBS 23.06.06 server
 * ({@code batch/pbs-captures/}, named as in its INDEX.tsv; its jobs are {@code N.vm}: 33 a job that ran, 34[] an
 * array -J 1-3, 35[] a held array -J 0-2, 36 deleted while queued, 37 while held, 42 exit 3, 43 deleted while
 * running, 44[] an array deleted while running, 45 killed at its walltime). Torque is read from fixtures written from
 * its documentation ({@code batch/pbs/torque/}): no Torque server was at hand to capture.
 */
class PbsBatchSystemTest {

    private static String capture(String name) {
        return Recorded.read("pbs-captures/" + name);
    }

    private static Map<String, JobStatus> qstat(String capture) {
        return byId(PbsBatchSystem.proJson(capture(capture)));
    }

    private static Map<String, JobStatus> byId(List<JobStatus> list) {
        return list.stream().collect(Collectors.toMap(JobStatus::jobId, Function.identity()));
    }

    @Test
    void qsubPrintsTheIdAndForAnArrayItsParent() {
        assertThat(PbsBatchSystem.jobId(capture("10-qsub.out"))).isEqualTo("33.vm");
        assertThat(PbsBatchSystem.jobId(capture("11-qsub-J-1-3.out"))).isEqualTo("34[].vm");
        assertThat(PbsBatchSystem.jobId(capture("12-qsub-J-0-2.out"))).isEqualTo("35[].vm");
        assertThatThrownBy(() -> PbsBatchSystem.jobId(capture("80-qsub-bad-queue.out"))).isInstanceOf(CommandFailedException.class);
    }

    /** hpc-dask submits N tasks as -J 0-(N-1) and follows each by the id qstat -t lists it under. */
    @Test
    void theTaskIdsOfAnArrayAreTheSubjobsQstatLists() {
        String array = PbsBatchSystem.jobId(capture("12-qsub-J-0-2.out"));
        List<String> tasks = IntStream.range(0, 3).mapToObj(i -> PbsBatchSystem.taskId(array, i)).toList();
        assertThat(qstat("22-qstat-f-F-json-x-t-array-held.out").keySet()).containsExactlyInAnyOrderElementsOf(
                Stream.concat(Stream.of(array), tasks.stream()).toList());
        assertThat(PbsBatchSystem.taskId("4103[].torque-srv", 2)).isEqualTo("4103[2].torque-srv");
    }

    @Test
    void everyIdTheServerHandedOutHasThePbsForm() {
        // job-ids.txt: JS=41.vm JV=39.vm ... A1=34[].vm
        List<String> ids = Arrays.stream(capture("job-ids.txt").strip().split("\\s+")).map(kv -> kv.substring(kv.indexOf('=') + 1)).toList();
        assertThat(ids).hasSize(13).contains("34[].vm", "44[].vm");
        PbsBatchSystem.TYPE.checkIds(ids);
        PbsBatchSystem.TYPE.checkIds(qstat("90-qstat-f-F-json-x-t-several-known.out").keySet());
        assertThatThrownBy(() -> PbsBatchSystem.TYPE.checkIds(List.of("33.vm", "not-a-job")))
                .isInstanceOf(BadInputException.class).hasMessage("job id 'not-a-job' is not a PBS job id");
    }

    @Test
    void queuedAndHeld() {
        // with scheduling off the scheduler writes no comment on a queued job
        assertThat(qstat("20-qstat-f-F-json-x-t-queued.out").get("33.vm")).isEqualTo(new JobStatus("33.vm", JobState.PENDING, ""));
        assertThat(qstat("22-qstat-F-json-f-held.out").get("37.vm")).isEqualTo(new JobStatus("37.vm", JobState.PENDING, "held"));
        assertThat(qstat("25-qstat-f-F-json-x-t-two-held.out").values()).extracting(JobStatus::state)
                .containsExactly(JobState.PENDING, JobState.PENDING);
    }

    /** The subjobs of a held array are in state Q, held by the array's hold (Hold_Types u): they read as held too. */
    @Test
    void theSubjobsOfAHeldArrayAreHeld() {
        Map<String, JobStatus> s = qstat("22-qstat-f-F-json-x-t-array-held.out");
        assertThat(s.values()).allSatisfy(j -> assertThat(j).isEqualTo(new JobStatus(j.jobId(), JobState.PENDING, "held")));
    }

    @Test
    void running() {
        assertThat(qstat("40-qstat-f-F-json-x-t-running.out").get("33.vm"))
                .as("where it runs is no reason").isEqualTo(new JobStatus("33.vm", JobState.RUNNING, ""));
        assertThat(qstat("42-qstat-F-json-f-subjob-running.out").get("34[2].vm").state()).isEqualTo(JobState.RUNNING);
    }

    /**
     * A running array is in state B; its waiting subjobs carry the array's own comment ("Job Array Began at ..."),
     * which says nothing of them and is not shown as theirs.
     */
    @Test
    void aRunningArrayAndItsWaitingSubjobs() {
        Map<String, JobStatus> s = qstat("41-qstat-f-F-json-x-t-array-running.out");
        assertThat(s.get("34[].vm")).isEqualTo(new JobStatus("34[].vm", JobState.RUNNING, "Job Array Began at Tue Dec 01 at 06:30"));
        assertThat(s.get("34[1].vm")).isEqualTo(new JobStatus("34[1].vm", JobState.RUNNING, ""));
        assertThat(s.get("34[2].vm")).isEqualTo(new JobStatus("34[2].vm", JobState.PENDING, ""));
        assertThat(s.get("34[3].vm")).isEqualTo(new JobStatus("34[3].vm", JobState.PENDING, ""));
    }

    @Test
    void finishedJobsArraysAndSubjobsAreInStateFWithTheirExitStatus() {
        assertThat(qstat("44-qstat-x-F-json-f-finished.out").get("33.vm")).isEqualTo(new JobStatus("33.vm", JobState.COMPLETED,
                "exit status 0; Job run at Tue Dec 01 at 06:30 on (vm:ncpus=1) and finished"));
        Map<String, JobStatus> array = qstat("45-qstat-f-F-json-x-t-array-finished.out");
        assertThat(array).containsOnlyKeys("34[].vm", "34[1].vm", "34[2].vm", "34[3].vm");
        assertThat(array.values()).extracting(JobStatus::state).containsOnly(JobState.COMPLETED);
        assertThat(qstat("46-qstat-x-F-json-f-hpc-dask-style-finished.out").get("41.vm").state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void aFailedJob() {
        assertThat(qstat("51-qstat-x-F-json-f-exit-3.out").get("42.vm")).isEqualTo(new JobStatus("42.vm", JobState.FAILED,
                "exit status 3; Job run at Tue Dec 01 at 06:30 on (vm:ncpus=1) and failed"));
    }

    @Test
    void deletedWhileRunningIsCancelledWith256PlusSigterm() {
        assertThat(qstat("62-qstat-x-F-json-f-deleted-while-running.out").get("43.vm")).isEqualTo(new JobStatus("43.vm",
                JobState.CANCELLED, "exit status 271; Job run at Tue Dec 01 at 06:30 on (vm:ncpus=1) and terminated by pbsuser@localhost"));
        Map<String, JobStatus> array = qstat("65-qstat-f-F-json-x-t-array-deleted-while-running.out");
        assertThat(array.get("44[0].vm").state()).isEqualTo(JobState.CANCELLED);
        assertThat(array.get("44[1].vm").state()).isEqualTo(JobState.CANCELLED);
        // the array itself gets Exit_status 1; hpc-dask follows the subjobs, never the array's own id
        assertThat(array.get("44[].vm").reason()).isEqualTo("exit status 1; Job Array Began at Tue Dec 01 at 06:30 and terminated");
    }

    /** Deleted before it ran: state F with no Exit_status and no comment (subjobs: comment "Subjob finished"). */
    @Test
    void deletedBeforeItRanIsCancelled() {
        assertThat(qstat("34-qstat-x-F-json-f-deleted-while-queued.out").get("36.vm")).isEqualTo(new JobStatus("36.vm", JobState.CANCELLED, ""));
        assertThat(qstat("34-qstat-x-F-json-f-deleted-while-held.out").get("37.vm")).isEqualTo(new JobStatus("37.vm", JobState.CANCELLED, ""));
        Map<String, JobStatus> array = qstat("34-qstat-f-F-json-x-t-array-deleted-held.out");
        assertThat(array.get("35[1].vm")).isEqualTo(new JobStatus("35[1].vm", JobState.CANCELLED, "Subjob finished"));
        assertThat(array.values()).extracting(JobStatus::state).containsOnly(JobState.CANCELLED);
    }

    @Test
    void killedAtItsWalltime() {
        assertThat(qstat("71-qstat-x-F-json-f-walltime-killed.out").get("45.vm")).isEqualTo(new JobStatus("45.vm", JobState.TIMEOUT,
                "exit status -29; Job run at Tue Dec 01 at 06:31 on (vm:ncpus=1) and exceeded resource walltime"));
    }

    /** An unknown id: the known ones still come on stdout, one stderr line per unknown id, exit 153. */
    @Test
    void unknownIds() {
        assertThat(qstat("91-qstat-f-F-json-x-t-unknown-only.out")).isEmpty();
        assertThat(PbsBatchSystem.unknownIds(capture("91-qstat-f-F-json-x-t-unknown-only.err"))).containsExactly("99999.vm");
        assertThat(PbsBatchSystem.unknownIds(capture("92-qstat-f-unknown.err"))).containsExactly("99999.vm");
        assertThat(qstat("90-qstat-f-F-json-x-t-mixed-known-unknown.out"))
                .isEqualTo(qstat("90-qstat-f-F-json-x-t-several-known.out")).hasSize(6);
        assertThat(PbsBatchSystem.unknownIds(capture("90-qstat-f-F-json-x-t-mixed-known-unknown.err"))).containsExactly("99999.vm");
        assertThat(PbsBatchSystem.unknownIds(Recorded.read("pbs/torque/qstat-unknown.stderr"))).containsExactly("999.torque-srv");
    }

    /** qdel of a job that has ended is refused (exit 35 finished, 153 unknown): a cancel has nothing left to stop. */
    @Test
    void qdelRefusalsForJobsThatHaveEnded() {
        assertThat(PbsBatchSystem.onlyAlreadyEnded(capture("47-qdel-finished.err"))).isTrue();
        assertThat(PbsBatchSystem.onlyAlreadyEnded(capture("32-qdel-unknown.err"))).isTrue();
        assertThat(PbsBatchSystem.onlyAlreadyEnded(capture("32-qdel-unknown-2ids.err"))).isTrue();
        assertThat(PbsBatchSystem.onlyAlreadyEnded(capture("33-qdel-malformed.err"))).isFalse();
        assertThat(PbsBatchSystem.onlyAlreadyEnded(capture("47-qdel-finished.err") + "qdel: Server is down\n")).isFalse();
        assertThat(PbsBatchSystem.onlyAlreadyEnded("")).isFalse();
    }

    /** JSON-VALIDITY.tsv lists every JSON stdout of the run; in 23.06.06 all are valid, numbers in Variable_List too. */
    @Test
    void everyCapturedJobListingParses() {
        List<String> valid = capture("JSON-VALIDITY.tsv").lines().filter(l -> l.endsWith("\tvalid")).map(l -> l.split("\t")[0])
                .filter(name -> name.contains("qstat") && !name.contains("-Q-") && !name.contains("-B-")).toList();
        assertThat(valid).hasSize(32);
        assertThat(capture("JSON-VALIDITY.tsv").lines().filter(l -> !l.endsWith("\tvalid"))).isEmpty();
        for (String name : valid) {
            PbsBatchSystem.proJson(capture(name));
        }
        assertThat(qstat("25-qstat-F-json-f-numeric-env.out").get("40.vm").state()).isEqualTo(JobState.PENDING);
    }

    /** No capture is invalid JSON; a listing cut short (a dropped connection) stands for one. */
    @Test
    void aListingThatIsNotJsonIsAFailureNamingIt() {
        String whole = capture("90-qstat-f-F-json-x-t-several-known.out");
        assertThatThrownBy(() -> PbsBatchSystem.proJson(whole.substring(0, whole.length() / 2)))
                .isInstanceOf(CommandFailedException.class).hasMessageStartingWith("qstat -F json printed something that is not JSON");
    }

    /** With -o and -e naming a directory (18-: #PBS -o /home/pbsuser/jobs/logs/) OpenPBS wrote logs/41.vm.OU and .ER (48-). */
    @Test
    void theFilesOfAJobWhoseOutputGoesToADirectory() {
        assertThat(capture("18-qsub-hpc-dask-style-header.out")).isEqualTo("41.vm\n");
        assertThat(capture("48-ls-output-files.out")).contains(" 41.vm.OU\n", " 41.vm.ER\n");
        String out = PbsBatchSystem.filesInDirectory("/home/pbsuser/jobs/logs/", "41.vm", "o");
        String err = PbsBatchSystem.filesInDirectory("/home/pbsuser/jobs/logs/", "41.vm", "e");
        assertThat(out.split(" ")).anySatisfy(glob -> assertThat(matches(glob, "/home/pbsuser/jobs/logs/41.vm.OU")).isTrue());
        assertThat(err.split(" ")).anySatisfy(glob -> assertThat(matches(glob, "/home/pbsuser/jobs/logs/41.vm.ER")).isTrue());
        // Torque's documented naming, JOBNAME.oN, is still looked for
        assertThat(out.split(" ")).anySatisfy(glob -> assertThat(matches(glob, "/home/pbsuser/jobs/logs/dask-worker.o41")).isTrue());
    }

    private static boolean matches(String glob, String path) {
        return java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(java.nio.file.Path.of(path));
    }

    @Test
    void flavourFromQstatVersion() {
        assertThat(PbsBatchSystem.Flavor.of(capture("01-qstat-version.out"))).isEqualTo(PbsBatchSystem.Flavor.PRO);
        assertThat(PbsBatchSystem.flavourNamed(capture("01-qstat-version.out"))).isEqualTo("PBS Pro");
        assertThat(PbsBatchSystem.Flavor.of(Recorded.read("pbs/torque/qstat-version.txt"))).isEqualTo(PbsBatchSystem.Flavor.TORQUE);
        assertThat(PbsBatchSystem.flavourNamed("qstat: command not found")).isEqualTo("PBS");
    }

    @Test
    void qsubIdsOfTorque() {
        assertThat(PbsBatchSystem.jobId(Recorded.read("pbs/torque/qsub.txt"))).isEqualTo("4101.torque-srv");
    }

    @Test
    void torquePlainTable() {
        Map<String, JobStatus> s = byId(PbsBatchSystem.torqueTable(Recorded.read("pbs/torque/qstat-plain.txt")));
        assertThat(s).hasSize(6);
        assertThat(s.get("4101.torque-srv").state()).isEqualTo(JobState.RUNNING);
        assertThat(s.get("4102.torque-srv")).isEqualTo(new JobStatus("4102.torque-srv", JobState.PENDING, "state Q in queue batch"));
        assertThat(s.get("4103[0].torque-srv").state()).isEqualTo(JobState.COMPLETED);
        assertThat(s.get("4103[1].torque-srv").state()).isEqualTo(JobState.RUNNING);
        assertThat(s.get("4104.torque-srv").reason()).startsWith("held");
    }

    @ParameterizedTest(name = "{0} -> mem={1}")
    @CsvSource({
        // binary amounts are written exactly, in the largest unit that holds them whole
        "8G, 8GB", "1536M, 1536MB", "1024M, 1GB", "1.5G, 1536MB", "2T, 2TB", "512K, 512KB", "8GiB, 8GB", "8g, 8GB",
        // decimal amounts are rounded up, in the largest binary unit with at least 10 of it
        "28GB, 27GB", "8GB, 7630MB", "1GB, 954MB", "500MB, 477MB", "1TB, 932GB", "7.5GB, 7153MB",
    })
    void memory(String text, String pbs) {
        assertThat(PbsBatchSystem.memory(Memory.parse(text))).isEqualTo(pbs);
    }

    @ParameterizedTest
    @ValueSource(strings = {"28GB", "8GB", "1GB", "500MB", "1TB", "7.5GB", "999999KB", "3MB"})
    void decimalRequestsAreNeverBelowWhatWasAsked(String text) {
        Memory m = Memory.parse(text);
        assertThat(Memory.parse(PbsBatchSystem.memory(m).replace("B", "")).bytes()).isGreaterThanOrEqualTo(m.bytes());
    }

    /** The server took the job script's mem=1GB (18-) as 1048576kb (46-): PBS's GB is binary, as the forms above assume. */
    @Test
    void theServerReadsGbAsBinary() {
        assertThat(PbsBatchSystem.memory(Memory.parse("1G"))).isEqualTo("1GB");
        assertThat(capture("46-qstat-x-F-json-f-hpc-dask-style-finished.out"))
                .contains("\"select\":\"1:ncpus=1:mem=1GB\"", "(vm:ncpus=1:mem=1048576kb)");
    }

    @ParameterizedTest(name = "{0} -> walltime={1}")
    @CsvSource({
        "30, 00:30:00", "90, 01:30:00", "30:15, 00:30:15", "00:30:00, 00:30:00", "48:00:00, 48:00:00",
        "1-12, 36:00:00", "1-12:30, 36:30:00", "2-01:02:03, 49:02:03",
    })
    void walltime(String text, String pbs) {
        Walltime w = Walltime.parse(text);
        assertThat(PbsBatchSystem.walltime(w)).isEqualTo(pbs);
        assertThat(Walltime.parse(PbsBatchSystem.walltime(w))).isEqualTo(w);
    }
}
