#!/usr/bin/env bash
# Install the Debian packages the store's tests and tools need: `age` (the command-line tool the
# store's files must open with) and `postgresql` (the server the store suite starts a throwaway
# cluster of). Idempotent: installs only what is missing. As root it runs apt-get; otherwise it
# prints the command to run and exits 1.
set -euo pipefail

packages=(age postgresql)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "system packages present: ${packages[*]}"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "missing system packages: ${missing[*]}; install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q "${missing[@]}"
echo "installed system packages: ${missing[*]}"
