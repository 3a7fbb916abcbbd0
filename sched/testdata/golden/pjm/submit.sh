#!/bin/bash
# Submits the 5 phases of jacorpus to PJM in order: each starts only after
# the one before succeeded: the phases are the sub jobs of one step job, and
# sd=ec!=0:all deletes the rest when a phase's script exits non-zero.
set -euo pipefail
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p /home/user/corpus/logs
id=$(pjsub -z jid --step --sparam sn=0 "$dir"/01-prepare.pjm.sh)
step=${id%%_*}
echo prepare: "$id"
id=$(pjsub -z jid --step --sparam "jid=$step,sn=1,sd=ec!=0:all:0" "$dir"/02-signatures.pjm.sh)
echo signatures: "$id"
id=$(pjsub -z jid --step --sparam "jid=$step,sn=2,sd=ec!=0:all:1" "$dir"/03-buckets.pjm.sh)
echo buckets: "$id"
id=$(pjsub -z jid --step --sparam "jid=$step,sn=3,sd=ec!=0:all:2" "$dir"/04-filter.pjm.sh)
echo filter: "$id"
id=$(pjsub -z jid --step --sparam "jid=$step,sn=4,sd=ec!=0:all:3" "$dir"/05-finalize.pjm.sh)
echo finalize: "$id"
