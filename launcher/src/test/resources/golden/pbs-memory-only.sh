#!/usr/bin/env bash

#PBS -N hpc-dask-worker
#PBS -l select=1:mem=27GB
#PBS -l walltime=00:30:00

java -XX:+UseSerialGC -Xms4m -Xmn2m -Xmx256m -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -Xss256k -XX:-UsePerfData -jar '<worker-jar>' --scheduler '<scheduler-address>' --token-file '<token-file>' --name hpc-dask-worker --memory 28GB --lifetime 00:30:00 --death-timeout 60 --lease 40
