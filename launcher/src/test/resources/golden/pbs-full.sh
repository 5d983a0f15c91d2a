#!/usr/bin/env bash

#PBS -N hpc-dask-worker
#PBS -q workq@server1
#PBS -A proj42
#PBS -l walltime=48:00:00
#PBS -e /scratch/logs/
#PBS -o /scratch/logs/
#PBS -l select=1:ncpus=4:mem=8gb:ngpus=1
#PBS -l place=excl

module load java
java -XX:+UseSerialGC -Xms4m -Xmn2m -Xmx256m -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -Xss256k -XX:-UsePerfData -jar '<worker-jar>' --scheduler '<scheduler-address>' --token-file '<token-file>' --name hpc-dask-worker --cores 4 --memory 8GB --lifetime 48:00:00 --death-timeout 60 --lease 40
