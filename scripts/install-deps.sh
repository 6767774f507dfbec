#!/usr/bin/env bash
# Installs the Debian packages the build needs, and only those missing.
# Silent when everything is present; uses sudo when not root.
set -euo pipefail

packages=(cmake make g++ libeigen3-dev libceres-dev libcli11-dev nlohmann-json3-dev catch2 libssl-dev libcpp-httplib-dev libjs-d3 pkgconf)
# Extra groups, asked for by make targets: "fuzz" (clang + libFuzzer), "notebooks",
# "python" (the pybind11 module, its pytest suite and NumPy sweeps), "format" (clang-format), "browser"
# (chromium and Node.js for the page's browser test; npm only where no npm is on PATH).
for group in "$@"; do
  case "$group" in
    fuzz) packages+=(clang libclang-rt-14-dev) ;;
    notebooks) packages+=(python3-matplotlib python3-pandas jupyter-nbconvert python3-ipykernel) ;;
    python) packages+=(python3-dev pybind11-dev python3-pybind11 python3-numpy python3-pytest) ;;
    format) packages+=(clang-format) ;;
    browser) packages+=(chromium nodejs); command -v npm >/dev/null || packages+=(npm) ;;
    *) echo "install-deps: unknown group '$group' (expected fuzz, notebooks, python, format or browser)" >&2; exit 1 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "install-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
