#!/usr/bin/env bash

#SBATCH -J hpc-dask-worker
#SBATCH -n 1
#SBATCH -N 1
#SBATCH --cpus-per-task=1
#SBATCH --mem=27G
#SBATCH -t 01:30:00

java -XX:+UseSerialGC -Xms4m -Xmn2m -Xmx256m -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -Xss256k -XX:-UsePerfData -jar '<worker-jar>' --scheduler '<scheduler-address>' --token-file '<token-file>' --name hpc-dask-worker --cores 1 --memory 28GB --lifetime 01:30:00 --death-timeout 60 --lease 40
