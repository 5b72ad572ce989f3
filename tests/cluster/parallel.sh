#!/bin/bash
# examples/parallel/sweep.sh with GNU parallel (run by tests/cluster.rs): the merged
# sweep.csv is byte-identical to a single-machine sweep and the merge runs once; a run
# stopped part-way (SIGTERM to the script and its shards) resumes when the script is
# run again, keeping the points already finished, and merges to the same table.
#
#   tests/cluster/parallel.sh POLICYSIM_BINARY
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export POLICYSIM=$1
SCENARIO=$HERE/sweep.toml
# shellcheck source=lib.sh
. "$HERE/lib.sh"

WORK=$(mktemp -d /tmp/policysim-parallel.XXXXXX)
GROUP=
cleanup() {
    local rc=$?
    [ -n "$GROUP" ] && kill -TERM -- "-$GROUP" 2>/dev/null
    if [ "$rc" -eq 0 ]; then rm -rf "$WORK"; else echo "(scratch folder kept: $WORK)" >&2; fi
    exit "$rc"
}
trap cleanup EXIT
cd "$WORK"
single_machine_sweep "$WORK/single"
SCRIPT=$REPO/examples/parallel/sweep.sh

# 1. 8 shards of 1 thread side by side, then the merge
bash "$SCRIPT" "$SCENARIO" out 8 1 2> run1.err || fail "sweep.sh failed: $(cat run1.err)"
[ "$(grep -c 'merged 24 points from 8 folders' run1.err)" -eq 1 ] || fail "the merge did not run once: $(cat run1.err)"
echo "ok: sweep.sh ran 8 shards and merged once"
same_csv out/all "$WORK/single"

# 2. stopped part-way: SIGTERM to the script's process group (the script, parallel and
# the shards under way), as a batch system or a closed terminal would
setsid bash "$SCRIPT" "$SCENARIO" out2 8 1 2> run2.err &
GROUP=$!
wait_for 120 "a first finished point" test -f out2/shard-1/points/0/point.json
kill -TERM -- "-$GROUP"
group_gone() { ! kill -0 -- "-$GROUP" 2>/dev/null; }
wait_for 60 "the stopped script and its shards to exit" group_gone
wait "$GROUP" 2>/dev/null || true
GROUP=
[ ! -e out2/all ] || fail "the stopped run merged"
before=$(for d in out2/shard-*; do point_stamps "$d"; done)
n_before=$(echo "$before" | grep -c . || true)
[ "$n_before" -ge 1 ] && [ "$n_before" -lt 24 ] || fail "stopped after $n_before of 24 points, expected part-way"
echo "ok: stopped after $n_before of 24 points, nothing merged"
bash "$SCRIPT" "$SCENARIO" out2 8 1 2> run3.err || fail "the second sweep.sh failed: $(cat run3.err)"
after=$(for d in out2/shard-*; do point_stamps "$d"; done)
[ -z "$(comm -23 <(echo "$before") <(echo "$after"))" ] || fail "finished points were computed again"
[ "$(grep -c 'merged 24 points from 8 folders' run3.err)" -eq 1 ] || fail "the merge did not run once: $(cat run3.err)"
echo "ok: the second run resumed the finished points and merged once"
same_csv out2/all "$WORK/single"
echo "PASS: parallel"
