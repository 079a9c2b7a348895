#!/usr/bin/env bash
# Installs the Debian packages a target needs, only when missing: `main` (build of pyicu) or `test` (+ Java
# for Spark). Runs apt-get as root, or through sudo when available.
set -euo pipefail
want=(libicu-dev pkg-config g++)
if [ "${1:-main}" = "test" ]; then
  command -v java >/dev/null 2>&1 || want+=(openjdk-17-jre-headless)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}" >&2
as_root=()
[ "$(id -u)" -ne 0 ] && as_root=(sudo)
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
