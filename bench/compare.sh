#!/usr/bin/env bash
# Compares the working tree against a base revision (main by default) on this machine, in one run:
# builds both (the base in a temporary git worktree), benchmarks both gateways side by side with
# bench/bench.sh (same nginx, same rounds, taking turns), prints the ratio table with the recorded
# bench/baseline.tsv for reference, and flags every metric that got worse beyond the tolerance.
#
#   bench/compare.sh [--base REV] [--tolerance 0.10] [--latency-tolerance 0.5] [bench.sh options...]
#
# Exit status: 0 no regression, 1 a regression was flagged, 2 usage or build error.
# Needs what bench.sh needs, plus git and a JDK 21+ for ./mvnw.
set -euo pipefail
BASE=main TOL=0.10 LAT_TOL=0.5 PASS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --base) BASE=$2; shift 2;; --tolerance) TOL=$2; shift 2;; --latency-tolerance) LAT_TOL=$2; shift 2;;
    -h|--help) sed -n 2,10p "$0"; exit 0;;
    *) PASS+=("$1"); shift;;
  esac
done
ROOT=$(git rev-parse --show-toplevel)
cd "$ROOT"
W=$(mktemp -d /tmp/understudy-compare.XXXX)
cleanup() { git worktree remove --force "$W/base" 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT

echo "# building $BASE ($(git rev-parse --short "$BASE")) in a temporary worktree"
git worktree add --detach --quiet "$W/base" "$BASE"
(cd "$W/base" && ./mvnw -B -ntp -q package -DskipTests) > "$W/build-base.log" 2>&1 \
  || { tail -30 "$W/build-base.log" >&2; exit 2; }
cp -r "$W/base/target/quarkus-app" "$W/app-base"
echo "# building the working tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ', with uncommitted changes'))"
./mvnw -B -ntp -q package -DskipTests > "$W/build-work.log" 2>&1 || { tail -30 "$W/build-work.log" >&2; exit 2; }
cp -r target/quarkus-app "$W/app-work"

bench/bench.sh --mode both --jar "base=$W/app-base/quarkus-run.jar" --jar "work=$W/app-work/quarkus-run.jar" \
  --tsv "$W/result.tsv" "${PASS[@]}"

python3 - "$W/result.tsv" bench/baseline.tsv "$TOL" "$LAT_TOL" <<'EOF'
import sys
def load(path):
    rows = {}
    try:
        for line in open(path):
            if line.strip() and not line.startswith("#"):
                label, metric, value = line.split("\t")
                rows[(label, metric)] = float(value)
    except FileNotFoundError:
        pass
    return rows
now, recorded = load(sys.argv[1]), load(sys.argv[2])
tol, lat_tol = float(sys.argv[3]), float(sys.argv[4])
metrics = sorted({m for _, m in now})
print("\n%-34s %9s %9s %9s %9s  %s" % ("metric", "recorded", "base", "work", "change", "verdict"))
worse = 0
for m in metrics:
    b, w = now.get(("base", m)), now.get(("work", m))
    if b is None or w is None:
        continue
    rec = recorded.get(("understudy", m))
    if m.endswith("_ms") and "added" in m:      # latency added over nginx-proxy: lower is better, absolute ms
        bad, change = w - b > lat_tol, "%+.2f ms" % (w - b)
    elif m.startswith("rss") or m.startswith("start"):  # lower is better, relative
        bad, change = w > b * (1 + tol), "%+.0f%%" % (100 * (w / b - 1))
    else:                                         # throughput ratios: higher is better, relative
        bad, change = w < b * (1 - tol), "%+.0f%%" % (100 * (w / b - 1))
    worse += bad
    print("%-34s %9s %9g %9g %9s  %s" % (m, "-" if rec is None else "%g" % rec, b, w, change,
                                          "REGRESSION" if bad else "ok"))
print("\n%d regression(s) beyond %.0f%% / %.1f ms (same machine, same run)" % (worse, 100 * tol, lat_tol))
sys.exit(1 if worse else 0)
EOF
