<#-- The lines before the worker's command that give its JVM a class-data archive of the worker's classes: without
     one the JVM spends about a second of CPU loading and verifying classes before the worker registers. An archive
     belongs to one java build and one worker jar (path, size and time, which the JVM checks), so its name is a
     checksum of both; it lives in the user's private cache (0700), on the node or a shared home. The first job that
     finds none takes a lock (mkdir, atomic); its JVM notes each class it loads (-XX:DumpLoadedClassList) and, once
     it has registered, the worker has a second JVM make a static archive of that list under a name of its own
     while it runs (ClassArchiveDump: never at exit, where a dump kept a cancelled worker alive for seconds past its
     SIGTERM); the list and the dumper's part-written files share that name's prefix (the dumping JVM's in a
     directory of that prefix, so one outliving a worker killed with -9 finds it gone and writes nothing). The script
     hands it on as NAME.new when it exits; that job catches TERM (scancel, qdel) so its script outlives the worker,
     which ends at once, and does nothing slow after it. Its clean-up runs with TERM ignored, which its mv and rm
     inherit: a scale-down drains the worker, which ends by itself, and the scancel that follows came while the
     script removed the lock; the rm it killed left the lock and the class list behind for ever, as the next job
     takes the handed-on archive and never breaks a lock again. The next job takes NAME.new (mv, atomic), checks
     that the JVM maps it (-Xshare:on; a truncated archive would make the JVM abort) and only then renames it into
     place, so a half-written one is never used. That job also removes what is older than 30 days in the cache
     (archives of earlier jars or other javas, and whatever of theirs a killed job left): each new jar makes an
     archive of 20 MB in a home that has a quota, and an old one still in use is made again by its next job. The
     lock names its host and shell's pid: on that host a lock whose shell is gone (SIGKILL after KillWait, before
     the hand-on) is broken with its dump; elsewhere a lock older than an hour is. Other jobs start without an
     archive meanwhile. java, jar and jvmOptions are already shell-quoted. -->
# class-data archive of the worker's classes for this java: made by the first worker, used by the next ones
hpc_dask_cds_dir="${r"${XDG_CACHE_HOME:-$HOME/.cache}"}/hpc-dask"
hpc_dask_java_home=$(readlink -f "$(command -v ${java})" 2>/dev/null) && hpc_dask_java_home=${r"${hpc_dask_java_home%/bin/*}"}
hpc_dask_cds="$hpc_dask_cds_dir/hpc-dask-worker-$({ echo ${jar}; stat -L -c %s.%Y ${jar}; cat "$hpc_dask_java_home/release" || ${java} -version; } 2>&1 | cksum | tr ' ' -).jsa"
hpc_dask_cds_option=
hpc_dask_cds_dump=
if [ -f "$hpc_dask_cds" ]; then
    hpc_dask_cds_option="-XX:SharedArchiveFile=$hpc_dask_cds"
    rm -f "$hpc_dask_cds.new" # from a dumper that ran while the archive was being installed
elif mv "$hpc_dask_cds.new" "$hpc_dask_cds.check-$(hostname)-$$" 2>/dev/null; then
    # a new archive (this job took it): kept only when this java maps it
    if ${java} ${jvmOptions} -Xshare:on -XX:SharedArchiveFile="$hpc_dask_cds.check-$(hostname)-$$" \
            -XX:ErrorFile=/dev/null -XX:-CreateCoredumpOnCrash -cp ${jar} -version >/dev/null 2>&1 &&
        mv -f "$hpc_dask_cds.check-$(hostname)-$$" "$hpc_dask_cds"; then
        hpc_dask_cds_option="-XX:SharedArchiveFile=$hpc_dask_cds"
        # what other jars and javas left here untouched for 30 days goes: 20 MB an archive, in a home with a quota
        find "$hpc_dask_cds_dir" -mindepth 1 -maxdepth 1 -name 'hpc-dask-worker-*' -mtime +30 \
            -exec rm -rf {} + 2>/dev/null
    fi
    rm -f "$hpc_dask_cds.check-$(hostname)-$$"
else
    # the lock of a dumper that is gone (killed before its script could hand the archive on) is broken
    if read -r hpc_dask_cds_owner 2>/dev/null < "$hpc_dask_cds.lock/owner" &&
        { [ "${r"${hpc_dask_cds_owner% *}"}" = "$(hostname)" ] && ! kill -0 "${r"${hpc_dask_cds_owner#* }"}" 2>/dev/null ||
            [ -n "$(find "$hpc_dask_cds.lock" -maxdepth 0 -mmin +60 2>/dev/null)" ]; }; then
        hpc_dask_cds_owner=$(echo "$hpc_dask_cds_owner" | tr ' ' -)
        rm -rf "$hpc_dask_cds.lock" "$hpc_dask_cds.dump-$hpc_dask_cds_owner" "$hpc_dask_cds.dump-$hpc_dask_cds_owner".*
    fi
    if (umask 077 && mkdir -p "$hpc_dask_cds_dir" && mkdir "$hpc_dask_cds.lock") 2>/dev/null; then
        echo "$(hostname) $$" > "$hpc_dask_cds.lock/owner"
        hpc_dask_cds_dump="$hpc_dask_cds.dump-$(hostname)-$$"
        hpc_dask_cds_option="-XX:DumpLoadedClassList=$hpc_dask_cds_dump.classlist"
        trap 'trap "" TERM
            [ -s "$hpc_dask_cds_dump" ] && [ ! -f "$hpc_dask_cds" ] && mv -f "$hpc_dask_cds_dump" "$hpc_dask_cds.new"
            rm -rf "$hpc_dask_cds_dump" "$hpc_dask_cds_dump".* "$hpc_dask_cds.lock"' EXIT
        trap 'hpc_dask_terminated=1' TERM
    fi
fi
