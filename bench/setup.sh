#!/usr/bin/env bash
# Create the virtual environments the benchmarks compare against, under .bench/
# (gitignored), each from the interpreter behind the project's .venv so that
# every Python command starts the same binary. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  echo "setup: .venv is missing; run ./scripts/test once to create it" >&2
  exit 2
fi
for tool in /usr/bin/curl /usr/bin/time; do
  if [ ! -x "$tool" ]; then
    echo "setup: $tool is missing; install it (Debian: apt-get install curl time)" >&2
    exit 2
  fi
done

# The real binary, not a version manager's shim, which adds its own start-up.
python=$(readlink -f .venv/bin/python)

# argo-trigger itself as users install it: not editable, bytecode compiled.
venv=.bench/argo-trigger
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  --force-reinstall --no-deps .
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check . \
  -r bench/requirements-requests.txt
echo "setup: $venv ready (argo-trigger from this checkout, and requests)"

for name in argo-workflows hera; do
  venv=.bench/$name
  if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "bench/requirements-$name.txt"
  "$venv/bin/python" -m pip check --disable-pip-version-check >/dev/null
  echo "setup: $venv ready ($("$venv/bin/python" --version))"
done
