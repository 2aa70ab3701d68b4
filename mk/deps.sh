#!/usr/bin/env bash
# The one dependency step `make run` and `make test` call before building.
# On Debian: installs what is missing with apt-get when root, otherwise prints the
# exact apt-get line and stops. Also checks for moto_server (the AWS emulator).
set -euo pipefail

# Build and test packages, one per line: <command-or-pkg-config-name>:<debian package>
PKGS=(
    "cc:gcc"
    "make:make"
    "pkg-config:pkg-config"
    "pc/libcurl:libcurl4-openssl-dev"
    "pc/libcrypto:libssl-dev"
    "pc/libcjson:libcjson-dev"
    "pc/expat:libexpat1-dev"
    "pc/libmicrohttpd:libmicrohttpd-dev"
    "magic.h:libmagic-dev"
    "python3:python3"
)

missing=()
for entry in "${PKGS[@]}"; do
    what=${entry%%:*}
    pkg=${entry#*:}
    case $what in
        pc/*) pkg-config --exists "${what#pc/}" 2>/dev/null || missing+=("$pkg") ;;
        *.h) [ -e "/usr/include/$what" ] || missing+=("$pkg") ;;
        *) command -v "$what" >/dev/null 2>&1 || missing+=("$pkg") ;;
    esac
done

# libcurl must be the OpenSSL flavour: TLS options and CA handling assume it.
if pkg-config --exists libcurl 2>/dev/null && command -v curl-config >/dev/null 2>&1; then
    if ! curl-config --ssl-backends 2>/dev/null | grep -qi openssl; then
        missing+=("libcurl4-openssl-dev")
    fi
fi

if [ ${#missing[@]} -gt 0 ]; then
    line="apt-get install -y --no-install-recommends ${missing[*]}"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "deps: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null || { echo "deps: apt-get update failed" >&2; exit 1; }
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends ${missing[*]} >/dev/null ||
            { echo "deps: failed: $line" >&2; exit 1; }
    else
        echo "deps: missing packages. Run as root:" >&2
        echo "    $line" >&2
        exit 1
    fi
fi

if ! command -v moto_server >/dev/null 2>&1; then
    echo "deps: moto_server (the AWS emulator) is not on PATH." >&2
    echo "    pip install \"moto[server]\"   (also gives boto3 for the cross-client tests)" >&2
    exit 1
fi
if ! python3 -c 'import boto3' >/dev/null 2>&1; then
    echo "deps: python3 cannot import boto3 (comes with: pip install \"moto[server]\")" >&2
    exit 1
fi
echo "deps: ok"
