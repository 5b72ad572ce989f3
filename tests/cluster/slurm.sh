#!/bin/bash
# The SLURM path on a real single-node SLURM (Debian's slurm-wlm, run by tests/cluster.rs):
# starts slurmctld + slurmd from a slurm.conf in a scratch folder, submits the two
# commands documented in examples/slurm/sweep.sbatch, checks that every job COMPLETED,
# that the merge ran once and that the merged sweep.csv is byte-identical to a
# single-machine sweep; then cancels a shard part-way, resubmits it as documented and
# checks that it resumed and that the merge is still byte-identical. The daemons are
# stopped at the end, also on failure.
#
#   tests/cluster/slurm.sh POLICYSIM_BINARY          (as root)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export POLICYSIM=$1
SCENARIO=$HERE/sweep.toml
# shellcheck source=lib.sh
. "$HERE/lib.sh"

WORK=$(mktemp -d /tmp/policysim-slurm.XXXXXX)
export SLURM_CONF=$WORK/slurm.conf
JOBS=()

stop_cluster() {
    local rc=$?
    set +e
    for j in "${JOBS[@]}"; do scancel "$j" 2>/dev/null; done
    # the steps of cancelled jobs end before their daemons
    local end=$((SECONDS + 20))
    while [ -n "$(squeue -h -o %i 2>/dev/null)" ] && [ "$SECONDS" -lt "$end" ]; do sleep 0.2; done
    for d in slurmd slurmctld; do
        [ -f "$WORK/$d.pid" ] && kill "$(cat "$WORK/$d.pid")" 2>/dev/null
    done
    for d in slurmd slurmctld; do
        if [ -f "$WORK/$d.pid" ]; then
            local pid end=$((SECONDS + 20))
            pid=$(cat "$WORK/$d.pid")
            while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$end" ]; do sleep 0.1; done
        fi
    done
    if [ "$rc" -ne 0 ]; then
        echo "--- slurmctld.log (tail)" >&2; tail -n 30 "$WORK/slurmctld.log" >&2
        echo "--- slurmd.log (tail)" >&2; tail -n 30 "$WORK/slurmd.log" >&2
        for f in "$WORK"/run*/slurm-*.out; do [ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }; done
        echo "(scratch folder kept: $WORK)" >&2
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap stop_cluster EXIT

host=$(hostname -s)
mem_mb=$(awk '/^MemTotal:/ { print int($2 / 1024 / 2) }' /proc/meminfo)
port=$((20000 + RANDOM % 20000))
mkdir -p "$WORK/state" "$WORK/spool"
cat > "$SLURM_CONF" <<CONF
ClusterName=policysimtest
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
MinJobAge=600
SchedulerParameters=sched_interval=1,bf_interval=1

NodeName=$host CPUs=$(nproc) RealMemory=$mem_mb State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -c -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
node_idle() { sinfo -h -o %T 2>/dev/null | grep -qx idle; }
wait_for 60 "the node to be idle in sinfo" node_idle
echo "ok: single-node SLURM up ($host, port $port)"

# job_states JOB: "TASK STATE" per record of `scontrol show job` (TASK is - for a job
# that is not an array)
job_states() {
    scontrol -o show job "$1" | awk '{
        task = "-"; state = "?"
        for (i = 1; i <= NF; i++) {
            if ($i ~ /^ArrayTaskId=/) task = substr($i, 13)
            if ($i ~ /^JobState=/) state = substr($i, 10)
        }
        print task, state
    }'
}
# ended JOB...: every record of every job is in a final state
ended() {
    local j
    for j in "$@"; do
        job_states "$j" | awk '$2 ~ /^(PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED|REQUEUED|RESIZING)$/ { bad = 1 } END { exit bad }' || return 1
    done
}
# expect_states JOB "TASK STATE"...: the job's records are exactly these
expect_states() {
    local j=$1
    shift
    local want got
    want=$(printf '%s\n' "$@" | sort)
    got=$(job_states "$j" | sort)
    [ "$got" = "$want" ] || fail "job $j: states
$got
expected
$want"
}
all_completed() { for i in $(seq "$2" "$3"); do echo "$i COMPLETED"; done; }

# the two documented commands, with the resources of this small node
SMALL=(--cpus-per-task=1 --mem=100M)
submit_sweep() { # OUT [extra sbatch options]
    local out=$1
    shift
    sbatch --parsable "${SMALL[@]}" "$@" "$REPO/examples/slurm/sweep.sbatch" "$SCENARIO" "$out" | cut -d';' -f1
}
submit_merge() { # OUT DEPENDENCY
    sbatch --parsable "${SMALL[@]}" --dependency="$2" "$REPO/examples/slurm/merge.sbatch" "$1" | cut -d';' -f1
}

mkdir "$WORK/run1" "$WORK/run2"
cd "$WORK/run1"
single_machine_sweep "$WORK/single"

# 1. submitted as documented: eight shards, then one merge
jid=$(submit_sweep out); JOBS+=("$jid")
mjid=$(submit_merge out "afterok:$jid"); JOBS+=("$mjid")
wait_for 240 "the shards and the merge to end" ended "$jid" "$mjid"
mapfile -t want < <(all_completed - 1 8)
expect_states "$jid" "${want[@]}"
expect_states "$mjid" "- COMPLETED"
echo "ok: the 8 shards and the merge COMPLETED"
merges=(slurm-policysim-merge-*.out)
[ "${#merges[@]}" -eq 1 ] || fail "expected one merge job output, found ${merges[*]}"
[ "$(grep -c 'merged 24 points from 8 folders' "${merges[0]}")" -eq 1 ] ||
    fail "the merge did not run exactly once: $(cat "${merges[0]}")"
echo "ok: the merge ran once"
same_csv out/all "$WORK/single"

# 2. a shard cancelled part-way (scancel sends SIGTERM), resubmitted as documented
cd "$WORK/run2"
jid=$(submit_sweep out); JOBS+=("$jid")
mjid=$(submit_merge out "afterok:$jid"); JOBS+=("$mjid")
# shard 8 holds points 7, 15 and 23; cancel it when the first is done
wait_for 240 "shard 8 to finish its first point" test -f out/shard-8/points/7/point.json
scancel "${jid}_8"
task8_ended() { job_states "$jid" | awk '$1 == 8 && $2 != "RUNNING" && $2 != "COMPLETING" { ok = 1 } END { exit !ok }'; }
wait_for 60 "the cancelled shard to end" task8_ended
[ ! -e out/shard-8/sweep.csv ] || fail "shard 8 finished before it was cancelled (make tests/cluster/sweep.toml slower)"
done_before=$(point_stamps out/shard-8)
echo "ok: shard 8 cancelled after $(echo "$done_before" | wc -l) of 3 points"
# its merge can never start: cancelled, as the script's header says
wait_for 60 "the merge to wait for a dependency that cannot be met" \
    sh -c "scontrol -o show job $mjid | grep -q 'Reason=DependencyNeverSatisfied'"
scancel "$mjid"
jid2=$(submit_sweep out --array=8); JOBS+=("$jid2")
mjid2=$(submit_merge out "afterok:$jid2,afterany:$jid"); JOBS+=("$mjid2")
wait_for 240 "the resubmitted shard and the merge to end" ended "$jid" "$jid2" "$mjid" "$mjid2"
mapfile -t want < <(all_completed - 1 7; echo "8 CANCELLED")
expect_states "$jid" "${want[@]}"
expect_states "$jid2" "8 COMPLETED"
expect_states "$mjid" "- CANCELLED"
expect_states "$mjid2" "- COMPLETED"
echo "ok: the resubmitted shard and the second merge COMPLETED, the first merge never ran"
[ ! -e "slurm-policysim-merge-$mjid.out" ] || fail "the first merge ran"
# the points finished before the cancellation were kept, not computed again
[ -z "$(comm -23 <(echo "$done_before") <(point_stamps out/shard-8))" ] ||
    fail "shard 8 recomputed its finished points"
[ "$(point_stamps out/shard-8 | wc -l)" -eq 3 ] || fail "shard 8 is not complete"
[ "$(grep -c 'merged 24 points from 8 folders' "slurm-policysim-merge-$mjid2.out")" -eq 1 ] ||
    fail "the second merge did not run once"
echo "ok: the resubmitted shard resumed its finished points"
same_csv out/all "$WORK/single"
echo "PASS: slurm"
