#!/usr/bin/env bash

java -XX:+UseSerialGC -Xms4m -Xmn2m -Xmx256m -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -Xss256k -XX:-UsePerfData -jar '<worker-jar>' --scheduler '<scheduler-address>' --token-file '<token-file>' --name hpc-dask-worker --cores 2 --memory 1G --resources foo=7 --lifetime 00:30:00 --death-timeout 60 --lease 40
