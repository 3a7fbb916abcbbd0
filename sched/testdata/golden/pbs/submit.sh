#!/bin/bash
# Submits the 5 phases of jacorpus to PBS in order: each starts only after
# every task of the one before succeeded (-W depend=afterok); when a phase
# fails, PBS deletes the rest.
set -euo pipefail
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p /home/user/corpus/logs
id=$(qsub "$dir"/01-prepare.pbs.sh)
echo prepare: "$id"
id=$(qsub -W depend=afterok:"$id" "$dir"/02-signatures.pbs.sh)
echo signatures: "$id"
id=$(qsub -W depend=afterok:"$id" "$dir"/03-buckets.pbs.sh)
echo buckets: "$id"
id=$(qsub -W depend=afterok:"$id" "$dir"/04-filter.pbs.sh)
echo filter: "$id"
id=$(qsub -W depend=afterok:"$id" "$dir"/05-finalize.pbs.sh)
echo finalize: "$id"
