#!/bin/bash -l

#SBATCH -J dask-cpu
#SBATCH -e /scratch/logs/dask-cpu-%J.err
#SBATCH -o /scratch/logs/dask-cpu-%J.out
#SBATCH -p normal
#SBATCH -A proj42
#SBATCH -n 1
#SBATCH --cpus-per-task=32
#SBATCH --mem=1536M
#SBATCH -t 1-12:00:00
#SBATCH --gres=gpu:1
#SBATCH --constraint="haswell|broadwell"

module load java/17
export OMP_NUM_THREADS=1
# worker-java auto: '/opt/java 17/bin/java' when it is Java 17 or newer, else the java runtime bundled with hpc-dask
hpc_dask_java='/opt/java 17/bin/java'
hpc_dask_java_version=$('/opt/java 17/bin/java' -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1)
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
"$hpc_dask_java" -XX:+UseSerialGC -Xms4m -Xmn2m -Xmx256m -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -Xss256k -XX:-UsePerfData -jar '<worker-jar>' --scheduler 10.0.0.5:8786 --token-file '<token-file>' --name dask-cpu --cores 32 --memory 1536M --resources 'gpu=1 foo=5' --lifetime 36:00:00 --death-timeout 120 --lease 40 --local-directory "$TMPDIR/dask"
echo worker done
