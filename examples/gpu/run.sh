#!/usr/bin/env bash
# Four runs that each need one GPU on a worker with two: two run at a time, each with its own device in
# CUDA_VISIBLE_DEVICES.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
hpc_dask="${HPC_DASK:-$here/../../hpc-dask}"
cluster=example-gpu

"$hpc_dask" cluster up --name "$cluster" --system local --workers 1 --slots 4 --resources gpu=2
trap '"$hpc_dask" cluster down --name "$cluster"' EXIT

ids=$("$hpc_dask" submit run --name "$cluster" --label train --tag dask:gpu=1 --array 1-4 --shell --wait -- \
    'echo "run $HPC_DASK_ARRAY_INDEX on GPU $CUDA_VISIBLE_DEVICES"; sleep 1')
for id in $ids; do
    "$hpc_dask" logs --name "$cluster" "$id"
done
