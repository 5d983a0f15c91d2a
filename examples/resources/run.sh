#!/usr/bin/env bash
# Two runs that each need foo=5 on a worker that offers foo=7: they cannot share it, so they run one after the other.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
hpc_dask="${HPC_DASK:-$here/../../hpc-dask}"
cluster=example-resources

"$hpc_dask" cluster up --name "$cluster" --system local --workers 1 --slots 4 --resources foo=7
trap '"$hpc_dask" cluster down --name "$cluster"' EXIT

"$hpc_dask" submit run --name "$cluster" --label needs-foo --tag dask:foo=5 --array 1-2 --wait -- sleep 1
"$hpc_dask" runs --name "$cluster"
