"""Outside CI: what `git` says about the working directory, if anything."""

from __future__ import annotations

import subprocess

from argo_trigger.ci.context import CIContext, make_context, strip_prefix

GIT_TIMEOUT_SECONDS = 10


def detect(cwd: str | None = None) -> CIContext:
    """The context of a run outside any CI system.

    `git` in `cwd` supplies the commit, and the branch or, on a detached
    HEAD, a tag pointing at it. Without git or a repository those stay
    `None`; nothing here raises. A person started the run, hence `manual`.
    """
    sha = _git(cwd, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    ref = branch = tag = None
    if sha is not None:
        ref = _git(cwd, "symbolic-ref", "--quiet", "HEAD")
        branch = strip_prefix(ref, "refs/heads/")
        if ref is None:
            tag = _tag_at_head(cwd)
            ref = f"refs/tags/{tag}" if tag else None

    return make_context(
        "local",
        "manual",
        ci={},
        repository={},
        git={"sha": sha, "ref": ref, "branch": branch, "tag": tag},
        pull_request={},
    )


def _tag_at_head(cwd: str | None) -> str | None:
    """The first tag, in git's order, that points at HEAD."""
    tags = _git(cwd, "tag", "--points-at", "HEAD")
    if not tags:
        return None
    return tags.splitlines()[0]


def _git(cwd: str | None, *args: str) -> str | None:
    """The stripped output of a git command, or `None` if it fails at all."""
    try:
        completed = subprocess.run(
            ["git", *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError, UnicodeDecodeError):
        return None

    output = completed.stdout.strip()
    if completed.returncode != 0 or not output:
        return None
    return output
