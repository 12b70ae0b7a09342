"""GitLab pipelines run for real with gitlab-ci-local, against the stand-in.

Each test writes a `.gitlab-ci.yml` into a throwaway git repository whose
remote is `https://gitlab.example.com/acme/app.git`, so that the predefined
variables (CI_PROJECT_PATH, CI_SERVER_URL, ...) look like GitLab's. The
component project `argo/argo-trigger` is a bare repository on disk, made from
this checkout's templates/ and gitlab-ci/ and tagged 1.0.0; git's
`url.<base>.insteadOf` sends gitlab-ci-local's clone of
`https://gitlab.example.com:443/argo/argo-trigger.git` there. Jobs run with
the shell executor, on this machine, and reach the stand-in on 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from argo_trigger.standin import Standin
from tests.report.gitlab_api import GitLabAPI, Member

CHECKOUT = Path(__file__).resolve().parents[2]
MANIFESTS = Path(__file__).parent / "manifests"
EXAMPLES = CHECKOUT / "examples"
HOST = "gitlab.example.com"
PROJECT = "acme/app"
COMPONENT = f"{HOST}/argo/argo-trigger/argo-trigger@1.0.0"
TEMPLATE_FILE = "gitlab-ci/argo-trigger.gitlab-ci.yml"

# gitlab-ci-local sets GITLAB_CI=false; a real runner says true, and that is
# how argo-trigger recognises GitLab. Overriding predefined variables on
# purpose would otherwise print a warning in every run. The CI_SERVER_URL,
# CI_COMMIT_SHA, CI_PIPELINE_ID and CI_PROJECT_ID overrides point commit
# statuses at a GitLab API stand-in.
PREDEFINED_OVERRIDES = (
    "GITLAB_CI",
    "CI_PIPELINE_SOURCE",
    "CI_COMMIT_BRANCH",
    "CI_COMMIT_REF_NAME",
    "CI_COMMIT_TAG",
    "CI_SERVER_URL",
    "CI_COMMIT_SHA",
    "CI_PIPELINE_ID",
    "CI_PROJECT_ID",
)

GIT_IDENTITY = ["-c", "user.name=Ada Tester", "-c", "user.email=ada@example.com"]

# What the GitLab API stand-in knows: a commit, its pipeline, a merge request,
# and a project access token with the Developer role.
GITLAB_TOKEN = "glpat-argo-status-5e4d3c2b1a09"
COMMIT_SHA = "5f0c2d9e8b7a61524334251607f8e9d0c1b2a394"
PIPELINE_ID = 4711
MR_IID = 19


@dataclass
class Run:
    """One pipeline run: its exit status, everything it printed, its folder."""

    code: int
    output: str
    project: Path

    def job_logs(self) -> str:
        """The job logs gitlab-ci-local keeps in its state folder."""
        folder = self.project / ".gitlab-ci-local" / "output"
        return "".join(p.read_text() for p in sorted(folder.glob("*.log")))

    def dotenv(self) -> dict[str, str]:
        """The dotenv report the argo-trigger job left for later jobs."""
        text = (self.project / "argo-trigger.env").read_text()
        pairs = (line.split("=", 1) for line in text.splitlines() if line)
        return dict(pairs)


Pipeline = Callable[..., Run]


@pytest.fixture(scope="session")
def gitlab_ci_local() -> Path:
    """The pinned gitlab-ci-local, installed by the project's own script."""
    script = CHECKOUT / "scripts" / "install-gitlab-ci-local"
    done = subprocess.run(
        [str(script)], capture_output=True, text=True, check=False, timeout=600
    )
    assert done.returncode == 0, f"{script} failed:\n{done.stdout}{done.stderr}"
    return Path(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def component_host(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder that stands in for the GitLab host's repositories."""
    host = tmp_path_factory.mktemp("gitlab-host")
    work = tmp_path_factory.mktemp("component-project")
    for folder in ("templates", "gitlab-ci"):
        shutil.copytree(CHECKOUT / folder, work / folder)

    _git(work, "init", "-q", "-b", "main")
    _git(work, "add", "-A")
    _git(work, *GIT_IDENTITY, "commit", "-q", "-m", "argo-trigger component")
    _git(work, "tag", "1.0.0")
    bare = host / "argo" / "argo-trigger.git"
    _git(host, "clone", "-q", "--bare", str(work), str(bare))
    return host


@pytest.fixture
def argo_gitlab(argo: Standin) -> Standin:
    """The stand-in with the WorkflowTemplate `deploy` in namespace argo."""
    argo.load_manifests([MANIFESTS])
    return argo


@pytest.fixture
def argo_ci(argo: Standin) -> Standin:
    """The stand-in with the repository's examples: the ci-build binding, which
    labels its workflow with the event id, and the ci-build template."""
    argo.load_manifests([EXAMPLES])
    return argo


@pytest.fixture
def gitlab_api() -> Iterator[GitLabAPI]:
    """A GitLab API stand-in on 127.0.0.1 for the project acme/app."""
    api = GitLabAPI(
        project_path=PROJECT,
        commits={COMMIT_SHA},
        pipelines={PIPELINE_ID},
        merge_requests={MR_IID},
        private_tokens={GITLAB_TOKEN: Member("argo-status-bot")},
    )
    api.start()
    try:
        yield api
    finally:
        api.stop()


def gitlab_api_args(api: GitLabAPI) -> list[str]:
    """gitlab-ci-local args that make the jobs' GitLab the API stand-in."""
    variables = {
        "CI_SERVER_URL": api.url,
        "CI_PROJECT_ID": str(api.project_id),
        "CI_COMMIT_SHA": COMMIT_SHA,
        "CI_PIPELINE_ID": str(PIPELINE_ID),
    }
    return [f"--variable={name}={value}" for name, value in variables.items()]


@pytest.fixture
def core_bin() -> Path:
    """Where the running interpreter's console scripts, argo-trigger among
    them, are installed: the jobs find argo-trigger there on their PATH."""
    scripts = Path(sysconfig.get_path("scripts"))
    assert (scripts / "argo-trigger").exists(), f"no argo-trigger in {scripts}"
    return scripts


@pytest.fixture
def pipeline(
    tmp_path: Path, gitlab_ci_local: Path, component_host: Path, core_bin: Path
) -> Pipeline:
    """Run a pipeline: `pipeline(config, variables=..., args=...)`.

    `config` is the .gitlab-ci.yml as a mapping; `variables` are the
    project's CI/CD variables (a value may be a mapping such as
    `{"type": "file", "values": {"*": text}}`); `args` go to gitlab-ci-local,
    e.g. `--variable CI_PIPELINE_SOURCE=merge_request_event`; `path` comes
    before the usual PATH in the jobs.
    """
    project = tmp_path / "app"
    home = tmp_path / "home"
    home.mkdir()

    def run(
        config: Mapping[str, object],
        *,
        variables: Mapping[str, object] | None = None,
        args: Sequence[str] = (),
        path: Sequence[Path] = (core_bin,),
    ) -> Run:
        _make_project(project, config, {"GITLAB_CI": "true", **(variables or {})})
        env = _environment(component_host, home, path)
        command = [
            str(gitlab_ci_local),
            "--force-shell-executor",
            "--no-color",
            "--ignore-predefined-vars",
            ",".join(PREDEFINED_OVERRIDES),
            *args,
        ]
        done = subprocess.run(
            command,
            cwd=project,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        return Run(done.returncode, done.stdout + done.stderr, project)

    return run


def component(inputs: Mapping[str, object]) -> dict[str, object]:
    """An include of the component with these inputs."""
    return {"component": COMPONENT, "inputs": dict(inputs)}


def classic_template() -> dict[str, object]:
    """An include of the classic template from the component project."""
    return {"project": "argo/argo-trigger", "ref": "1.0.0", "file": TEMPLATE_FILE}


def reader_job(needs: str = "argo-trigger") -> dict[str, object]:
    """A later job that prints what the dotenv report handed it."""
    return {
        "stage": ".post",
        "needs": [needs],
        "script": [
            'echo "seen event=$ARGO_EVENT_ID workflow=$ARGO_WORKFLOW_NAME"',
        ],
    }


def merge_request_args(iid: int = 19) -> list[str]:
    """What GitLab sets in a merge request pipeline, as gitlab-ci-local args."""
    variables = {
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_IID": str(iid),
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature/helm-values",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_MERGE_REQUEST_TITLE": "Move Helm values into the chart",
        "CI_MERGE_REQUEST_REF_PATH": f"refs/merge-requests/{iid}/head",
        "CI_MERGE_REQUEST_PROJECT_URL": f"https://{HOST}/{PROJECT}",
        "CI_COMMIT_REF_NAME": "feature/helm-values",
    }
    args = [f"--variable={name}={value}" for name, value in variables.items()]
    # Merge request pipelines have no CI_COMMIT_BRANCH.
    return [*args, "--unset-variable=CI_COMMIT_BRANCH"]


def tag_args(tag: str) -> list[str]:
    """What GitLab sets in a tag pipeline, as gitlab-ci-local args."""
    return [
        f"--variable=CI_COMMIT_TAG={tag}",
        f"--variable=CI_COMMIT_REF_NAME={tag}",
        "--unset-variable=CI_COMMIT_BRANCH",
    ]


def _make_project(
    project: Path, config: Mapping[str, object], variables: Mapping[str, object]
) -> None:
    if not (project / ".git").exists():
        project.mkdir(exist_ok=True)
        _git(project, "init", "-q", "-b", "main")
        _git(project, "remote", "add", "origin", f"https://{HOST}/{PROJECT}.git")
    (project / ".gitlab-ci.yml").write_text(yaml.safe_dump(dict(config)))
    _git(project, "add", ".gitlab-ci.yml")
    _git(project, *GIT_IDENTITY, "commit", "-q", "-m", "Deploy with Argo")
    _git(project, "config", "user.name", "Ada Tester")
    _git(project, "config", "user.email", "ada@example.com")
    # The remote's default branch, as a clone from GitLab would have it.
    _git(project, "update-ref", "refs/remotes/origin/main", "HEAD")
    _git(
        project, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main"
    )

    # gitlab-ci-local's stand-in for the project's CI/CD variables settings.
    (project / ".gitlab-ci-local-variables.yml").write_text(
        yaml.safe_dump(dict(variables))
    )


def _environment(host: Path, home: Path, path: Sequence[Path]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GCL_")}
    env["HOME"] = str(home)
    env["PATH"] = os.pathsep.join([*map(str, path), env.get("PATH", "")])
    env["GIT_CONFIG_COUNT"] = "1"
    env["GIT_CONFIG_KEY_0"] = f"url.{host.as_uri()}/.insteadOf"
    env["GIT_CONFIG_VALUE_0"] = f"https://{HOST}:443/"
    return env


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)
