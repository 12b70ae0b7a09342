#!/usr/bin/env bash
# Time the GitHub Action's install step as it runs on a fresh runner: a new
# virtual environment without pip, then the runner's pip installing this
# checkout into it (the action's default `install`), against the plain way
# (a venv with its own pip, which installs). Prints both for N rounds
# (default 3). Pip's cache is used as it is; PIP_NO_CACHE_DIR=1 times a
# runner whose cache is empty.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-3}
python=$(readlink -f "$(command -v python3)")
checkout=$(pwd)
quiet=(--disable-pip-version-check --no-input -q)

seconds() {
  local start=$EPOCHREALTIME
  "$@" >/dev/null 2>&1
  awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

for round in $(seq "$rounds"); do
  scratch=$(mktemp -d)
  venv=$scratch/action
  made=$(seconds "$python" -m venv --without-pip "$venv")
  installed=$(seconds "$python" -m pip --python "$venv/bin/python" install \
    "${quiet[@]}" "$checkout")
  "$venv/bin/argo-trigger" --version >/dev/null
  plain=$scratch/plain
  plain_made=$(seconds "$python" -m venv "$plain")
  plain_installed=$(seconds "$plain/bin/python" -m pip install \
    "${quiet[@]}" "$checkout")
  rm -rf "$scratch"
  echo "round $round: action's way ${made} s venv + ${installed} s install;" \
    "venv with pip ${plain_made} s + ${plain_installed} s install"
done
