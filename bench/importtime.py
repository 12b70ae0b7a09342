"""Where `argo-trigger event` and `argo-trigger payload` spend their imports.

Runs each command several times with PYTHONPROFILEIMPORTTIME=1 (the same as
`python -X importtime`, but through the console script users run), in the
GitHub Actions environment of bench_event.py, `event` against a stand-in
server. Prints the median of each figure over the runs: the whole import
time, the cost of each top-level package, the modules imported at the top
of a tree (what one import statement costs, dependencies included), and
the modules that cost most on their own.

    .venv/bin/python bench/importtime.py [--runs 7] [--top 15]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench_event import DISCRIMINATOR, INSTALLED_VENV, ci_environment, standin

LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")


@dataclass
class Import:
    """One line of Python's import-time profile, in microseconds."""

    module: str
    self_us: int
    cumulative_us: int
    depth: int
    root: str = ""


def main(argv: Sequence[str] | None = None) -> int:
    """Profile both commands and print the breakdowns; 1 if a command fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command")
    parser.add_argument("--top", type=int, default=15, help="rows per table")
    args = parser.parse_args(argv)

    token = secrets.token_hex(16)
    server = standin(token)
    url = server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="argo-trigger-importtime-") as tmp:
            env = ci_environment(Path(tmp), url, token)
            env["PYTHONPROFILEIMPORTTIME"] = "1"
            for command in (["event", "-d", DISCRIMINATOR], ["payload"]):
                runs = [_profile(command, env, Path(tmp)) for _ in range(args.runs)]
                _print_breakdown(" ".join(command), runs, args.top)
    except RuntimeError as error:
        print(f"importtime: {error}")
        return 1
    finally:
        server.stop()
    return 0


def _profile(command: list[str], env: dict[str, str], work: Path) -> list[Import]:
    """One run's import profile; RuntimeError when the command fails."""
    err = work / "importtime.txt"
    argv = [str(INSTALLED_VENV / "bin/argo-trigger"), *command]
    with err.open("wb") as sink, open(os.devnull, "wb") as null:
        actions = [
            (os.POSIX_SPAWN_DUP2, null.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, sink.fileno(), 2),
        ]
        pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
        _, status = os.waitpid(pid, 0)
    lines = err.read_text(encoding="utf-8").splitlines()
    if os.waitstatus_to_exitcode(status) != 0:
        last = [line for line in lines if not LINE.match(line)][-1:]
        raise RuntimeError(f"argo-trigger {' '.join(command)} failed: {last}")
    imports = [
        Import(m[4], int(m[1]), int(m[2]), len(m[3]) // 2)
        for m in map(LINE.match, lines)
        if m
    ]
    return _attribute(imports)


def _attribute(imports: list[Import]) -> list[Import]:
    """Name in each import the top-level import that brought it in.

    The profile lists a module's dependencies before the module itself, so
    the first top-level line after a nested one is the import behind it.
    """
    root = ""
    for item in reversed(imports):
        if item.depth == 0:
            root = item.module
        item.root = root
    return imports


def _print_breakdown(command: str, runs: list[list[Import]], top: int) -> None:
    total = statistics.median(sum(i.self_us for i in run) for run in runs)
    count = statistics.median(len(run) for run in runs)
    print(f"\n== argo-trigger {command}: {total / 1000:.1f} ms of imports in")
    print(f"   {count:.0f} modules (median of {len(runs)} runs)")

    packages: dict[str, list[int]] = defaultdict(list)
    for run in runs:
        sums: dict[str, int] = defaultdict(int)
        for item in run:
            sums[item.module.split(".")[0]] += item.self_us
        for name, spent in sums.items():
            packages[name].append(spent)
    _table("package (own modules, self time)", packages, len(runs), top)

    roots = _medians(runs, lambda i: i.cumulative_us if i.depth == 0 else None)
    _table("top-level import (cumulative)", roots, len(runs), top)

    nested = _medians(runs, lambda i: i.cumulative_us if i.depth == 1 else None)
    _table("import one level down (cumulative), under", nested, len(runs), top)

    _table("module (self), under", _medians(runs, _self), len(runs), top)


def _self(item: Import) -> int:
    return item.self_us


def _medians(
    runs: list[list[Import]], pick: Callable[[Import], int | None]
) -> dict[str, list[int]]:
    """Each module's figures over the runs, keyed `module  (top-level import)`."""
    found: dict[str, list[int]] = defaultdict(list)
    for run in runs:
        for item in run:
            spent = pick(item)
            if spent is None:
                continue
            under = f"  ({item.root})" if item.root != item.module else ""
            found[item.module + under].append(spent)
    return found


def _table(title: str, values: dict[str, list[int]], runs: int, top: int) -> None:
    # A module missing from some runs counts 0 there, so its median stays fair.
    medians = {
        name: statistics.median(spent + [0] * (runs - len(spent)))
        for name, spent in values.items()
    }
    ranked = sorted(medians.items(), key=lambda kv: kv[1], reverse=True)[:top]
    print(f"\n  {title:<64} ms")
    for name, spent in ranked:
        print(f"  {name:<64} {spent / 1000:6.1f}")


if __name__ == "__main__":
    sys.exit(main())
