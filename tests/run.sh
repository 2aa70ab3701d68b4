#!/usr/bin/env bash
# Runs every test binary (unit first, then integration against real moto_servers),
# prints each binary's results and one closing line "N passed, N failed".
set -u
O=${O:-build}
cd "$(dirname "$0")/.."
export SLUICE_ROOT=$PWD
passed=0 failed=0 broken=()
for t in "$O"/tests/unit/test_* "$O"/tests/integration/test_* tests/scripts/test_*.sh; do
    [ -e "$t" ] || continue
    case $t in *.d|*.o) continue ;; esac
    name=${t#"$O"/tests/}
    echo "== $name"
    log=$(mktemp)
    if [[ $t == *.sh ]]; then
        O=$O bash "$t" 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
    else
        "$t" 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
    fi
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    rm -f "$log"
    if [ -z "$line" ]; then
        echo "  $name exited $rc without a summary line"
        failed=$((failed + 1)); broken+=("$name")
        continue
    fi
    p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "  $name exited $rc"; failed=$((failed + 1))
    fi
    [ "$rc" -ne 0 ] && broken+=("$name")
done
[ ${#broken[@]} -gt 0 ] && echo "failing: ${broken[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
