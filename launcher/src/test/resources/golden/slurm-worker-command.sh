#!/usr/bin/env bash

#SBATCH -J hpc-dask-worker
#SBATCH -n 1
#SBATCH -N 1
#SBATCH --cpus-per-task=1
#SBATCH -t 00:30:00

apptainer exec --bind /scratch 'my image.sif' java -XX:+UseSerialGC -Xms4m -Xmn2m -Xmx256m -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=2 -XX:CompileCommand=quiet '-XX:CompileCommand=CompileThresholdScaling,io.hpcdask.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,io.netty.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,com.sun.crypto.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,sun.security.util.math.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,sun.nio.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,java.nio.*::*,0.25' '-XX:CompileCommand=CompileThresholdScaling,java.util.concurrent.*::*,0.25' -XX:ReservedCodeCacheSize=16m -Xss256k -XX:-UsePerfData -jar '<worker-jar>' --scheduler '<scheduler-address>' --token-file '<token-file>' --name hpc-dask-worker --cores 1 --lifetime 00:30:00 --death-timeout 60 --lease 40
