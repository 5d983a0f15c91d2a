# Starting the hpc-dask CLI jar for a short command, in POSIX sh. Sourced by the release's bin/hpc-dask and by the
# repository's ./hpc-dask, which differ only in where java, the jar and the class-data archives are.
#
# A short command is mostly JVM start: C1 only starts fastest, and an AppCDS archive of the classes the command loaded
# the first time (picocli, Jackson, the commands) spares finding, parsing and verifying them again. One archive per
# command, made after its first run: that run writes the list of classes it loaded (-XX:DumpLoadedClassList), then
# -Xshare:dump makes a static archive of them, written under a temporary name and renamed, as the JVM crashes on a
# truncated archive. Static, not the dynamic -XX:ArchiveClassesAtExit: on Java 17 a dynamic archive leaves out
# picocli, whose class files are Java 5's (some 190 classes, then parsed and verified at every command). A JDK 17
# archive of application classes holds the jar's path, so it cannot be made at build time for an install that may be
# unpacked anywhere. The serial GC is not used: on Java 17 only G1 maps the archive's heap objects (the module
# graph, interned strings), which a short command's start needs more than G1's own set-up costs it.
# HPC_DASK_CDS=0 turns it off; HPC_DASK_JAVA_OPTS adds JVM options.
#
# Faster still, the commands a per-user CLI daemon answers (help, version, print job-script --system, submit run,
# runs, cluster status, workers, logs, cancel, retry, scale) go to it through cli-client.pl beside this file, which
# falls back to the JVM path (hd_run_jvm) whenever the daemon cannot answer; the JVM path starts the daemon. Perl starts
# in a few milliseconds with the core Socket module, and the shell only checks that it is there (a builtin), as the
# socket's name is the client's to work out. HPC_DASK_CLI_DAEMON=0 turns it off. Callers set hd_sh to this file's
# directory.
#
# The path to a command with its archive runs no other program (each fork and exec costs a few milliseconds, and
# this is the one thing every command does): no stat, cksum or readlink to name the archive after the jar and the
# java binary. The JVM checks itself that the archive was made from this jar (its size and mtime) by this JVM, and
# maps nothing otherwise; the CLI then sees it started without sharing and removes the archive
# (-Dhpc-dask.cds, see Main), so the next run of that command makes a new one.

hd_jvm_opts='-XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xshare:auto -Xlog:cds=off'
# The class path and the main class, not -jar: -jar reads the jar's manifest (its table of 7,000 entries) before main,
# while a command whose classes all come from its archive need not open the jar at all.
hd_main=io.hpcdask.launcher.cli.Main

# Sets hd_key to the archive's name for these arguments: the command's words ("runs", "cluster-status"), or nothing
# for no archive.
hd_command_key() {
    hd_key=
    case "${1:-}" in
        cluster | submit | print | config)
            case "${2:-}" in
                '' | *[!a-z-]* | -*) hd_key=$1 ;;
                *) hd_key=$1-$2 ;;
            esac ;;
        doctor | scale | workers | runs | logs | cancel | adapt | retry | completion | dashboard) hd_key=$1 ;;
        -h | --help | '') hd_key=help ;;
        -V | --version) hd_key=version ;;
    esac
}

# Sets hd_dir to the first of the colon-separated directories that exists or can be made, and is writable; false if
# none is.
hd_cds_dir() {
    hd_rest=$1:
    while [ -n "$hd_rest" ]; do
        hd_dir=${hd_rest%%:*}
        hd_rest=${hd_rest#*:}
        if [ -n "$hd_dir" ] && { [ -d "$hd_dir" ] || mkdir -p "$hd_dir" 2>/dev/null; } && [ -w "$hd_dir" ]; then
            return 0
        fi
    done
    return 1
}

# hd_run_cli JAVA JAR CDS_DIRS ARGS...: runs the CLI with ARGS, through the CLI daemon when it serves them, else as
# hd_run_jvm. Does not return.
hd_run_cli() {
    if [ "${HPC_DASK_CLI_DAEMON:-1}" != 0 ] && [ -n "${hd_sh:-}" ]; then
        hd_command_key "${4:-}" "${5:-}"
        case $hd_key in
            help | version | print-job-script | submit-run | runs | cluster-status | workers | logs | cancel | retry | scale)
                if command -v perl >/dev/null 2>&1; then
                    exec perl "$hd_sh/cli-client.pl" "$hd_sh" "$@"
                fi ;;
        esac
    fi
    hd_run_jvm "$@"
}

# hd_run_jvm JAVA JAR CDS_DIRS ARGS...: runs the CLI's JVM with ARGS; CDS_DIRS are the candidate archive directories,
# the first writable one used. Does not return.
hd_run_jvm() {
    hd_java=$1 hd_jar=$2 hd_dirs=$3
    shift 3
    hd_command_key "$@"
    if [ "${HPC_DASK_CDS:-1}" != 0 ] && [ -n "$hd_key" ] && hd_cds_dir "$hd_dirs"; then
        hd_archive="$hd_dir/$hd_key.jsa"
        if [ -f "$hd_archive" ]; then
            # shellcheck disable=SC2086 # options are words without spaces; HPC_DASK_JAVA_OPTS splits as documented
            exec "$hd_java" $hd_jvm_opts -XX:SharedArchiveFile="$hd_archive" -Dhpc-dask.cds="$hd_archive" \
                ${HPC_DASK_JAVA_OPTS:-} -cp "$hd_jar" "$hd_main" "$@"
        fi
        # archives named after the jar's size and mtime and the java binary, as earlier versions made them, go
        rm -f "$hd_dir/$hd_key"-[0-9]*-[0-9]*-[0-9]*.jsa
        hd_tmp="$hd_archive.$$.tmp"
        hd_rc=0
        # shellcheck disable=SC2086
        "$hd_java" $hd_jvm_opts -XX:DumpLoadedClassList="$hd_tmp.classes" ${HPC_DASK_JAVA_OPTS:-} -cp "$hd_jar" "$hd_main" "$@" || hd_rc=$?
        # killed by a signal, the JVM may have left half a list; a failed dump leaves no archive, and the next run tries again
        if [ "$hd_rc" -lt 128 ] && [ -s "$hd_tmp.classes" ] &&
            "$hd_java" -Xshare:dump -XX:SharedClassListFile="$hd_tmp.classes" -XX:SharedArchiveFile="$hd_tmp" \
                -Xlog:cds=off -Xlog:cds+hashtables=off -cp "$hd_jar" >/dev/null 2>&1; then
            mv -f "$hd_tmp" "$hd_archive" 2>/dev/null || true
        fi
        rm -f "$hd_tmp" "$hd_tmp.classes"
        exit "$hd_rc"
    fi
    # shellcheck disable=SC2086
    exec "$hd_java" $hd_jvm_opts ${HPC_DASK_JAVA_OPTS:-} -cp "$hd_jar" "$hd_main" "$@"
}
