# Helpers shared by the cluster test scripts (sourced).

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.05 s until it succeeds;
# fails after SECONDS (a bound, not a timing assertion).
wait_for() {
    local limit=$1 what=$2
    shift 2
    local end=$((SECONDS + limit))
    until "$@"; do
        [ "$SECONDS" -lt "$end" ] || fail "gave up after ${limit}s waiting for $what"
        sleep 0.05
    done
}

# The single-machine sweep that every merged sweep.csv must equal, in $1.
single_machine_sweep() {
    "$POLICYSIM" sweep "$SCENARIO" --out "$1" --quiet --no-charts
    [ -s "$1/sweep.csv" ] || fail "the single-machine sweep wrote no sweep.csv"
}

# same_csv MERGED_FOLDER REFERENCE_FOLDER
same_csv() {
    cmp "$1/sweep.csv" "$2/sweep.csv" || fail "$1/sweep.csv differs from the single-machine run"
    echo "ok: $1/sweep.csv is byte-identical to the single-machine run"
}

# point_stamps SHARD_FOLDER: inode, size and modification time of every finished point
point_stamps() {
    find "$1/points" -name point.json -printf '%p %i %s %T@\n' | sort
}
