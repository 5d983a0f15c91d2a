#!/usr/bin/env bash
# Prints the worker job scripts of the cpu and gpu profiles in config.yaml, as `scale` would submit them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export HPC_DASK_CONFIG="$here/config.yaml"
for profile in cpu gpu; do
    echo "### profile $profile"
    "$here/../../hpc-dask" print job-script --profile "$profile"
done
