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
'/opt/java 17/bin/java' -XX:+UseSerialGC -Xms4m -Xmn2m -Xmx256m -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -Xss256k -XX:-UsePerfData -jar '<worker-jar>' --scheduler 10.0.0.5:8786 --token-file '<token-file>' --name dask-cpu --cores 32 --memory 1536M --resources 'gpu=1 foo=5' --lifetime 36:00:00 --death-timeout 120 --lease 40 --local-directory "$TMPDIR/dask"
echo worker done
