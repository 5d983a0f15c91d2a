<#-- The lines before the worker's command that give its JVM a class-data archive of the worker's classes: without
     one the JVM spends about a second of CPU loading and verifying classes before the worker registers. An archive
     belongs to one java build and one worker jar (path, size and time, which the JVM checks), so its name is a
     checksum of both; it lives in the user's private cache (0700), on the node or a shared home. The first job that
     finds none takes a lock (mkdir, atomic) and has its worker write the archive when it exits, under a name of its
     own; on the script's exit the archive is tried (the JVM maps it or says no) and only then renamed into place, so
     a half-written one is never used: a truncated archive makes the JVM abort. A lock older than a day is taken as
     stale. That job catches TERM (scancel, qdel) so the script outlives its worker and keeps the archive; other jobs
     start without one meanwhile. The writing worker keeps the JVM's notes on classes it leaves out (old bytecode,
     JFR events) out of the job's output. java, jar and jvmOptions are already shell-quoted. -->
# class-data archive of the worker's classes for this java: made by the first worker, used by the next ones
hpc_dask_cds_dir="${r"${XDG_CACHE_HOME:-$HOME/.cache}"}/hpc-dask"
hpc_dask_java_home=$(readlink -f "$(command -v ${java})" 2>/dev/null) && hpc_dask_java_home=${r"${hpc_dask_java_home%/bin/*}"}
hpc_dask_cds="$hpc_dask_cds_dir/hpc-dask-worker-$({ echo ${jar}; stat -L -c %s.%Y ${jar}; cat "$hpc_dask_java_home/release" || ${java} -version; } 2>&1 | cksum | tr ' ' -).jsa"
hpc_dask_cds_option=
hpc_dask_cds_dump=
if [ -f "$hpc_dask_cds" ]; then
    hpc_dask_cds_option="-XX:SharedArchiveFile=$hpc_dask_cds"
else
    find "$hpc_dask_cds.lock" -maxdepth 0 -mmin +1440 -exec rmdir {} \; 2>/dev/null
    if (umask 077 && mkdir -p "$hpc_dask_cds_dir" && mkdir "$hpc_dask_cds.lock") 2>/dev/null; then
        hpc_dask_cds_dump="$hpc_dask_cds.dump-$(hostname)-$$"
        hpc_dask_cds_option="-XX:ArchiveClassesAtExit=$hpc_dask_cds_dump"
        hpc_dask_keep_cds() {
            if [ -s "$hpc_dask_cds_dump" ] && ${java} ${jvmOptions} -Xshare:on -XX:SharedArchiveFile="$hpc_dask_cds_dump" \
                    -XX:ErrorFile=/dev/null -XX:-CreateCoredumpOnCrash -cp ${jar} -version >/dev/null 2>&1; then
                mv -f "$hpc_dask_cds_dump" "$hpc_dask_cds"
            fi
            rm -f "$hpc_dask_cds_dump"
            rmdir "$hpc_dask_cds.lock"
        }
        trap hpc_dask_keep_cds EXIT
        trap 'hpc_dask_terminated=1' TERM
    fi
fi
