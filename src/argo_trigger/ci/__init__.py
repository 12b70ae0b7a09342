"""Which CI system runs us, and what it says about the job.

`detect` reads only the variables each provider lists in its `VARIABLES`
(plus the three that tell the providers apart): CI environments are full of
secrets, and nothing else from them may reach a payload.
"""

from __future__ import annotations

from collections.abc import Mapping

from argo_trigger.ci.context import CIContext, NativeEvent

__all__ = ["CIContext", "NativeEvent", "detect"]


def detect(env: Mapping[str, str], cwd: str | None = None) -> CIContext:
    """The context of the CI job described by `env`.

    GITHUB_ACTIONS=true means GitHub Actions, GITLAB_CI=true GitLab CI, a
    non-empty JENKINS_URL Jenkins; anything else is a local run, for which
    `git` is asked about `cwd` (the current directory when `None`). Never
    raises: what cannot be known is `None` in the context.
    """
    # Only the detected provider's module is imported: start-up time counts.
    if env.get("GITHUB_ACTIONS") == "true":
        from argo_trigger.ci import github

        return github.detect(env)
    if env.get("GITLAB_CI") == "true":
        from argo_trigger.ci import gitlab

        return gitlab.detect(env)
    if env.get("JENKINS_URL"):
        from argo_trigger.ci import jenkins

        return jenkins.detect(env)
    from argo_trigger.ci import local

    return local.detect(cwd)
