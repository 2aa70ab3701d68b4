#!/usr/bin/env bash
# Runs every benchmark: the C client (build/bin/bench_core) against its anchor
# (bench/anchor_boto3.py) on the same moto_server, side by side in one run, and
# prints the ratios. Usage: bench/run.sh [ROUNDS]   (make bench)
set -euo pipefail
O=${O:-build}
ROUNDS=${1:-${ROUNDS:-2}}
cd "$(dirname "$0")/.."
C="$O/bin/bench_core"
PY="python3 bench/anchor_boto3.py"
[ -x "$C" ] || { echo "bench: $C not built (make bench builds it)" >&2; exit 1; }

tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null; wait $moto 2>/dev/null; rm -rf "$tmp"' EXIT
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
       AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null \
       AWS_SHARED_CREDENTIALS_FILE=/dev/null
python3 - "$AWS_ENDPOINT_URL" <<'PY'
import sys, time, urllib.request
deadline = time.monotonic() + 60
while True:
    try:
        urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1); break
    except Exception:
        if time.monotonic() > deadline: sys.exit("bench: moto_server did not start")
        time.sleep(0.1)
PY

N_PUT=${N_PUT:-1000} N_SCAN=${N_SCAN:-10000} S3_MIB=${S3_MIB:-64}
echo "bench: moto_server on 127.0.0.1:$port; seeding $N_SCAN items, a $S3_MIB MiB file"
python3 - <<PY
import boto3
ddb = boto3.client("dynamodb")
for t in ("bench_put", "bench_scan"):
    ddb.create_table(TableName=t, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "FileName", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "FileName", "KeyType": "HASH"}])
import importlib.util, sys
spec = importlib.util.spec_from_file_location("a", "bench/anchor_boto3.py")
a = importlib.util.module_from_spec(spec); spec.loader.exec_module(a)
batch = []
for i in range($N_SCAN):
    batch.append({"PutRequest": {"Item": a.item("seed", i)}})
    if len(batch) == 25:
        ddb.batch_write_item(RequestItems={"bench_scan": batch}); batch = []
if batch:
    ddb.batch_write_item(RequestItems={"bench_scan": batch})
boto3.client("s3").create_bucket(Bucket="bench")
PY
head -c $((S3_MIB << 20)) /dev/urandom >"$tmp/blob"

# run NAME ARGS...: prints the JSON line of one run
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
results=()
bench() {   # bench LABEL C-ARGS -- PY-ARGS
    local label=$1; shift
    local cargs=() pargs=()
    while [ "$1" != "--" ]; do cargs+=("$1"); shift; done; shift
    pargs=("$@")
    local best_c="" best_p="" rss_c=0 rss_p=0
    for r in $(seq "$ROUNDS"); do
        local jc jp
        jc=$("$C" "${cargs[@]//@R@/c$r}")
        jp=$($PY "${pargs[@]//@R@/p$r}")
        echo "  $label round $r: C $jc"
        echo "  $label round $r: boto3 $jp"
        local cc pc
        cc=$(field "$jc" cpu_work_s); pc=$(field "$jp" cpu_work_s)
        [ -z "$best_c" ] || python3 -c "import sys; sys.exit(not float(sys.argv[1]) < float(sys.argv[2]))" "$cc" "$best_c" && best_c=$cc
        [ -z "$best_p" ] || python3 -c "import sys; sys.exit(not float(sys.argv[1]) < float(sys.argv[2]))" "$pc" "$best_p" && best_p=$pc
        rss_c=$(field "$jc" maxrss_kib); rss_p=$(field "$jp" maxrss_kib)
    done
    results+=("$(python3 -c "
import sys
l, c, p, rc, rp = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
print(f'| {l} | {c:.3f} | {p:.3f} | {p / max(c, 1e-4):.1f}x | {rc / 1024:.1f} | {rp / 1024:.1f} | {rp / max(rc, 1):.1f}x |')
" "$label" "$best_c" "$best_p" "$rss_c" "$rss_p")")
}

bench "PutItem x$N_PUT" putitem bench_put "$N_PUT" @R@ -- putitem bench_put "$N_PUT" @R@
bench "Scan $N_SCAN items (paginated)" scan bench_scan -- scan bench_scan
bench "PutObject+GetObject $S3_MIB MiB" s3 bench "blob-@R@" "$tmp/blob" -- s3 bench "blob-@R@" "$tmp/blob"

echo
echo "client CPU (user+sys, work only, best of $ROUNDS) and peak RSS of the client process"
echo "| work | C cpu s | boto3 cpu s | CPU ratio | C RSS MiB | boto3 RSS MiB | RSS ratio |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${results[@]}"
