#!/bin/bash
# A policysim sweep on one big machine with GNU parallel: N shards side by side, each
# with a few threads, then a merge. Re-running the script resumes unfinished shards.
#
#   examples/parallel/sweep.sh scenarios/typology.toml results/typology 8 4
#   (8 shards x 4 threads each = 32 cores)
set -euo pipefail
SCENARIO=$1
OUT=$2
SHARDS=${3:-4}
THREADS=${4:-2}
POLICYSIM=${POLICYSIM:-policysim}

seq 1 "$SHARDS" | parallel --halt now,fail=1 --line-buffer \
    "$POLICYSIM" sweep "$SCENARIO" --shard {}/"$SHARDS" --out "$OUT"/shard-{} \
    --threads "$THREADS" --quiet
"$POLICYSIM" merge "$OUT"/shard-* --out "$OUT/all"
