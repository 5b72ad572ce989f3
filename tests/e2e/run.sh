#!/usr/bin/env bash
# End-to-end test of `policysim explore` in Debian's headless Chromium.
# Installs what it needs (chromium, playwright-core), builds the release binary, starts
# the server on a free port, runs tests/e2e/explore.spec.mjs, stops the server.
# Then the same for classroom mode (tests/e2e/classroom.spec.mjs, a second server).
# Writes docs/images/explore.png, explore-390.png, explore-683.png and the classroom-*.png.
# Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

# Debian's Chromium, and a small Chinese font so the page's 中文 renders in the screenshot.
need=""
[ -x /usr/bin/chromium ] || need="chromium"
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then need="$need fonts-wqy-microhei"; fi
if [ -n "$need" ]; then
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo -n"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq $need >/dev/null
fi
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
# the binary's path from cargo itself (so CARGO_TARGET_DIR or a build.target-dir setting is honoured)
bin=$(cargo build --release --quiet --bin policysim --message-format=json \
    | node -e 'let p = ""; require("readline").createInterface({ input: process.stdin })
        .on("line", l => { try { const m = JSON.parse(l);
            if (m.reason === "compiler-artifact" && m.target.name === "policysim"
                && m.target.kind.includes("bin") && m.executable) p = m.executable; } catch (e) {} })
        .on("close", () => console.log(p))')
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
    echo "cargo did not report the policysim binary's path" >&2
    exit 1
fi

log=$(mktemp)
"$bin" explore --port 0 --runs 100 </dev/null >"$log" 2>&1 &
server=$!
cleanup() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -f "$log"
}
trap cleanup EXIT

url=""
for _ in $(seq 1 100); do
    url=$(grep -o 'http://[^ ]*' "$log" | head -n 1 || true)
    [ -n "$url" ] && break
    if ! kill -0 "$server" 2>/dev/null; then break; fi
    sleep 0.1
done
if [ -z "$url" ]; then
    echo "the explore server did not start:" >&2
    cat "$log" >&2
    exit 1
fi
echo "explore server at $url"

EXPLORE_URL="$url" POLICYSIM_BIN="$bin" \
    SCREENSHOTS="$root/docs/images" SCENARIOS="$root/scenarios" OUT_DIR="$root/tests/e2e/out" \
    timeout 300 node tests/e2e/explore.spec.mjs

# classroom mode: a second server, started outside the project folder (its data presets
# must still work), on loopback (the test is about the class, not this machine's network)
classlog=$(mktemp)
elsewhere=$(mktemp -d)
(cd "$elsewhere" && exec "$bin" explore --classroom --host 127.0.0.1 --port 0 --runs 100 \
    </dev/null >"$classlog" 2>&1) &
classroom=$!
cleanup_class() {
    kill "$classroom" 2>/dev/null || true
    wait "$classroom" 2>/dev/null || true
    rm -rf "$classlog" "$elsewhere"
    cleanup
}
trap cleanup_class EXIT
teacher=""
for _ in $(seq 1 100); do
    teacher=$(grep -o 'teacher: open http://[^ ]*' "$classlog" | head -n 1 | sed 's/^teacher: open //' || true)
    [ -n "$teacher" ] && break
    if ! kill -0 "$classroom" 2>/dev/null; then break; fi
    sleep 0.1
done
if [ -z "$teacher" ]; then
    echo "the classroom server did not start:" >&2
    cat "$classlog" >&2
    exit 1
fi
join=$(grep -o 'students: open http://[^ ]*' "$classlog" | head -n 1 | sed 's/^students: open //')
code=$(grep -o 'enter the code [A-Z0-9]*' "$classlog" | head -n 1 | sed 's/^enter the code //')
echo "classroom server at $join (code $code)"
CLASS_URL="$join" CLASS_CODE="$code" TEACHER_URL="$teacher" SCREENSHOTS="$root/docs/images" \
    timeout 300 node tests/e2e/classroom.spec.mjs
