#!/usr/bin/env bash

#SBATCH --job-name=hpc-dask-worker
#SBATCH --qos=gpu
#SBATCH --exclusive
#SBATCH --time=00:30:00

java -XX:+UseSerialGC -Xms4m -Xmn2m -Xmx256m -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -Xss256k -XX:-UsePerfData -jar '<worker-jar>' --scheduler '<scheduler-address>' --token-file '<token-file>' --name hpc-dask-worker --cores 2 --lifetime 00:30:00 --death-timeout 60 --lease 40
