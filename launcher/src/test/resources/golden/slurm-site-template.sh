#!/usr/bin/env bash

#SBATCH --job-name=hpc-dask-worker
#SBATCH --qos=gpu
#SBATCH --exclusive
#SBATCH --time=00:30:00

# worker-java auto: java when it is Java 17 or newer, else the java runtime bundled with hpc-dask
hpc_dask_java=java
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
"$hpc_dask_java" -XX:+UseSerialGC -Xms4m -Xmn2m -Xmx256m -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -Xss256k -XX:-UsePerfData -jar '<worker-jar>' --scheduler '<scheduler-address>' --token-file '<token-file>' --name hpc-dask-worker --cores 2 --lifetime 00:30:00 --death-timeout 60 --lease 40
