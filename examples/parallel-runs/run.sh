#!/usr/bin/env bash
# One sleep operation staged four times on a local cluster with four slots: all four run at once.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
hpc_dask="${HPC_DASK:-$here/../../hpc-dask}"
cluster=example-parallel-runs

"$hpc_dask" cluster up --name "$cluster" --system local --workers 1 --slots 4
trap '"$hpc_dask" cluster down --name "$cluster"' EXIT

"$hpc_dask" submit run --name "$cluster" --label nap --array 1-4 --wait -- sleep 2
"$hpc_dask" runs --name "$cluster"
