#!/usr/bin/env bash

#SBATCH -J hpc-dask-worker
#SBATCH -n 1
#SBATCH -N 1
#SBATCH -t 00:30:00

# worker-java auto: java when it is Java 17 or newer, else the java runtime bundled with hpc-dask
hpc_dask_java=java
# its version from the release file of its installation, else from a run of java -version (a JVM start)
hpc_dask_java_version=$(readlink -f "$(command -v java)" 2>/dev/null) &&
    hpc_dask_java_version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "${hpc_dask_java_version%/bin/*}/release" 2>/dev/null)
[ -n "$hpc_dask_java_version" ] ||
    hpc_dask_java_version=$(java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1)
if [ "${hpc_dask_java_version:-0}" -lt 17 ]; then
    hpc_dask_runtime='<worker-runtime>'
    if [ ! -x "${hpc_dask_runtime%.tar.gz}/bin/java" ]; then
        hpc_dask_unpack="${hpc_dask_runtime%.tar.gz}.unpack-$(hostname)-$$"
        mkdir -p "$hpc_dask_unpack" && tar xzf "$hpc_dask_runtime" -C "$hpc_dask_unpack" &&
            mv -T "$hpc_dask_unpack/hpc-dask-worker-runtime" "${hpc_dask_runtime%.tar.gz}" 2>/dev/null
        rm -rf "$hpc_dask_unpack"
    fi
    hpc_dask_java="${hpc_dask_runtime%.tar.gz}/bin/java"
fi
# class-data archive of the worker's classes for this java: made by the first worker, used by the next ones
hpc_dask_cds_dir="${XDG_CACHE_HOME:-$HOME/.cache}/hpc-dask"
hpc_dask_java_home=$(readlink -f "$(command -v "$hpc_dask_java")" 2>/dev/null) && hpc_dask_java_home=${hpc_dask_java_home%/bin/*}
hpc_dask_cds="$hpc_dask_cds_dir/hpc-dask-worker-$({ echo '<worker-jar>'; stat -L -c %s.%Y '<worker-jar>'; cat "$hpc_dask_java_home/release" || "$hpc_dask_java" -version; } 2>&1 | cksum | tr ' ' -).jsa"
hpc_dask_cds_option=
hpc_dask_cds_dump=
if [ -f "$hpc_dask_cds" ]; then
    hpc_dask_cds_option="-XX:SharedArchiveFile=$hpc_dask_cds"
    rm -f "$hpc_dask_cds.new" # from a dumper that ran while the archive was being installed
elif mv "$hpc_dask_cds.new" "$hpc_dask_cds.check-$(hostname)-$$" 2>/dev/null; then
    # a new archive (this job took it): kept only when this java maps it
    if "$hpc_dask_java" -XX:+UseSerialGC -Xms4m -Xmn2m -Xmx256m -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=2 -XX:CompileCommand=quiet '-XX:CompileCommand=CompileThresholdScaling,io.hpcdask.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,io.netty.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,com.sun.crypto.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,sun.security.util.math.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,sun.nio.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,java.nio.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,java.util.concurrent.*::*,0.25' -XX:ReservedCodeCacheSize=16m -Xss256k -XX:-UsePerfData -Xshare:on -XX:SharedArchiveFile="$hpc_dask_cds.check-$(hostname)-$$" \
            -XX:ErrorFile=/dev/null -XX:-CreateCoredumpOnCrash -cp '<worker-jar>' -version >/dev/null 2>&1 &&
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
        { [ "${hpc_dask_cds_owner% *}" = "$(hostname)" ] && ! kill -0 "${hpc_dask_cds_owner#* }" 2>/dev/null ||
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
"$hpc_dask_java" ${hpc_dask_cds_option:+"$hpc_dask_cds_option"} ${hpc_dask_cds_dump:+"-Dhpcdask.worker.classArchive=$hpc_dask_cds_dump"} -XX:+UseSerialGC -Xms4m -Xmn2m -Xmx256m -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=2 -XX:CompileCommand=quiet '-XX:CompileCommand=CompileThresholdScaling,io.hpcdask.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,io.netty.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,com.sun.crypto.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,sun.security.util.math.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,sun.nio.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,java.nio.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,java.util.concurrent.*::*,0.25' -XX:ReservedCodeCacheSize=16m -Xss256k -XX:-UsePerfData -jar '<worker-jar>' --scheduler '<scheduler-address>' --token-file '<token-file>' --name hpc-dask-worker --lifetime 00:30:00 --death-timeout 60 --lease 40
