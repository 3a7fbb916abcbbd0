#!/bin/bash
# Submits the 5 phases of jacorpus to Slurm in order: each starts only after
# every task of the one before succeeded (--dependency=afterok); when a phase
# fails, Slurm cancels the rest (--kill-on-invalid-dep=yes).
set -euo pipefail
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p /home/user/corpus/logs
# The job ID is the last line of sbatch --parsable's output, up to any ";cluster".
submit() { local out; out=$(sbatch "$@") || return; out=${out##*$'\n'}; printf '%s\n' "${out%%;*}"; }
id=$(submit --parsable --kill-on-invalid-dep=yes "$dir"/01-prepare.slurm.sh)
echo prepare: "$id"
id=$(submit --parsable --dependency=afterok:"$id" --kill-on-invalid-dep=yes "$dir"/02-signatures.slurm.sh)
echo signatures: "$id"
id=$(submit --parsable --dependency=afterok:"$id" --kill-on-invalid-dep=yes "$dir"/03-buckets.slurm.sh)
echo buckets: "$id"
id=$(submit --parsable --dependency=afterok:"$id" --kill-on-invalid-dep=yes "$dir"/04-filter.slurm.sh)
echo filter: "$id"
id=$(submit --parsable --dependency=afterok:"$id" --kill-on-invalid-dep=yes "$dir"/05-finalize.slurm.sh)
echo finalize: "$id"
