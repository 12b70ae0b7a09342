"""Time 1,000 binding selectors against a payload of about 1 MB.

Run with `.venv/bin/python bench/bench_expr.py`. Compiles every selector once
(a second pass shows the cache), prepares the environment once, as the event
dispatcher does, then evaluates each selector against it.
"""

from __future__ import annotations

import json
import random
import time
from typing import Any

from argo_trigger.expr import compile_expr, prepare_env

NAMES = ("payload", "discriminator", "namespace", "metadata")
TEMPLATES = [
    'payload.type == "{kind}" && payload.git.branch == "{branch}"',
    'metadata["x-github-event"] == ["push"] && discriminator == "{branch}"',
    'payload.repository.slug startsWith "{org}/" && payload.ci.run_attempt > {n}',
    'any(payload.commits, {{any(.added, hasPrefix(#, "{path}"))}})',
    'payload.git.ref matches "^refs/(heads|tags)/{branch}"',
    'payload.params.env in ["prod", "staging", "{branch}"]',
    'len(filter(payload.commits, .author == "{org}")) > {n}',
    "let c = payload.commits ?? []; count(c, len(.modified) > {n}) > 0",
    '(payload.pull_request?.number ?? 0) > {n} || payload.type == "{kind}"',
    'all(payload.commits[:{n}], .id != "") and namespace == "argo"',
    'payload.labels | map(lower(#)) | any(# == "{branch}")',
    "sum(map(payload.commits, len(.added))) >= {n}",
]


def payload(size: int) -> dict[str, Any]:
    """A CI-like payload padded with commits until its JSON is `size` bytes."""
    rng = random.Random(7)
    commits: list[dict[str, Any]] = []
    data: dict[str, Any] = {
        "type": "push",
        "git": {"branch": "main", "ref": "refs/heads/main", "sha": "ab" * 20},
        "repository": {"slug": "acme/app"},
        "ci": {"run_attempt": 1},
        "pull_request": {"number": None},
        "params": {"env": "prod"},
        "labels": ["Main", "CI"],
        "commits": commits,
    }
    while len(json.dumps(data)) < size:
        files = [f"src/mod{rng.randrange(50)}/f{i}.py" for i in range(8)]
        commits.append(
            {
                "id": f"{rng.getrandbits(64):016x}",
                "author": rng.choice(["acme", "bob", "eve"]),
                "added": files[:3],
                "removed": files[3:4],
                "modified": files[4:],
                "message": "change " * 20,
            }
        )
    return data


def selectors(count: int) -> list[str]:
    rng = random.Random(11)
    found = []
    for i in range(count):
        found.append(
            rng.choice(TEMPLATES).format(
                kind=rng.choice(["push", "tag", "pull_request"]),
                branch=f"b{i}",
                org=rng.choice(["acme", "bob"]),
                n=rng.randrange(1, 5),
                path=f"src/mod{rng.randrange(60)}/",
            )
        )
    return found


def main() -> None:
    body = payload(1_000_000)
    env = {
        "payload": body,
        "discriminator": "main",
        "namespace": "argo",
        "metadata": {"x-github-event": ["push"]},
    }
    sources = selectors(1000)

    start = time.perf_counter()
    programs = [compile_expr(source, NAMES) for source in sources]
    compiled = time.perf_counter()
    for source in sources:
        compile_expr(source, NAMES)
    cached = time.perf_counter()
    prepared = prepare_env(env)
    ready = time.perf_counter()
    matched = sum(program.run(prepared) is True for program in programs)
    done = time.perf_counter()

    print(f"payload: {len(json.dumps(body)):,} bytes, {len(body['commits'])} commits")
    print(f"selectors: {len(sources)}, matched: {matched}")
    print(f"compile (cold): {(compiled - start) * 1e3:.1f} ms total")
    print(f"compile (cached): {(cached - compiled) * 1e3:.1f} ms total")
    print(f"prepare env: {(ready - cached) * 1e3:.1f} ms")
    print(f"eval: {(done - ready) * 1e3 / len(programs):.3f} ms per selector")
    print(f"total: {(done - start) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
