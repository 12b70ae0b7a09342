"""Which provider `detect` picks, and how each reads the unusual cases."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from argo_trigger.ci import detect
from argo_trigger.ci.jenkins import parse_git_url

SHA = "3f786850e387550fdab836ed7e6dc881de23001b"


def github_env(tmp_path: Path, event: object, **overrides: str) -> dict[str, str]:
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event), encoding="utf-8")
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_SERVER_URL": "https://github.example.com",
        "GITHUB_REPOSITORY": "acme/widgets",
        "GITHUB_RUN_ID": "100",
        "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_SHA": SHA,
    }
    return env | overrides


@pytest.fixture
def no_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(
    ("env", "provider"),
    [
        ({"GITHUB_ACTIONS": "true"}, "github"),
        ({"GITLAB_CI": "true"}, "gitlab"),
        ({"JENKINS_URL": "https://ci.example.com/"}, "jenkins"),
        ({"GITHUB_ACTIONS": "true", "GITLAB_CI": "true"}, "github"),
        ({"GITLAB_CI": "true", "JENKINS_URL": "https://ci.example.com/"}, "gitlab"),
        ({"GITHUB_ACTIONS": "false", "CI": "true"}, "local"),
        ({"GITLAB_CI": "1"}, "local"),
        ({"JENKINS_URL": ""}, "local"),
        ({}, "local"),
    ],
)
def test_detect_picks_the_provider(
    env: dict[str, str], provider: str, no_repo: Path
) -> None:
    assert detect(env, str(no_repo)).provider == provider


def test_every_object_is_complete_on_a_bare_environment(no_repo: Path) -> None:
    for env in (
        {"GITHUB_ACTIONS": "true"},
        {"GITLAB_CI": "true"},
        {"JENKINS_URL": "x"},
    ):
        context = detect(env, str(no_repo))

        assert context.type == "other"
        assert context.ci["run_attempt"] == 1
        assert set(context.git) == {
            "sha", "short_sha", "ref", "branch", "tag", "message"
        }  # fmt: skip
        assert set(context.pull_request) == {
            "number", "url", "source_branch", "target_branch", "title"
        }  # fmt: skip


def test_context_objects_are_read_only(no_repo: Path) -> None:
    context = detect({}, str(no_repo))

    with pytest.raises(TypeError):
        context.git["sha"] = "x"  # type: ignore[index]


def test_github_missing_event_file_leaves_event_fields_null(tmp_path: Path) -> None:
    env = github_env(tmp_path, {}, GITHUB_EVENT_PATH=str(tmp_path / "gone.json"))

    context = detect(env)

    assert context.git["message"] is None
    assert context.repository["default_branch"] is None
    assert context.git["sha"] == SHA


def test_github_unparsable_event_file_leaves_event_fields_null(
    tmp_path: Path,
) -> None:
    env = github_env(tmp_path, {})
    Path(env["GITHUB_EVENT_PATH"]).write_text("{not json", encoding="utf-8")

    assert detect(env).git["message"] is None


def test_github_pull_request_without_event_file_uses_the_ref(tmp_path: Path) -> None:
    env = github_env(
        tmp_path,
        [],
        GITHUB_EVENT_NAME="pull_request",
        GITHUB_REF="refs/pull/42/merge",
        GITHUB_HEAD_REF="feature/x",
        GITHUB_BASE_REF="main",
    )

    pull_request = detect(env).pull_request

    assert pull_request["number"] == 42
    assert pull_request["url"] == "https://github.example.com/acme/widgets/pull/42"
    assert pull_request["source_branch"] == "feature/x"
    assert pull_request["title"] is None


def test_github_event_values_of_the_wrong_type_are_null(tmp_path: Path) -> None:
    event = {"pull_request": {"number": "7", "title": 3, "head": "x"}}
    env = github_env(tmp_path, event, GITHUB_EVENT_NAME="pull_request")

    pull_request = detect(env).pull_request

    assert pull_request["number"] is None
    assert pull_request["title"] is None
    assert pull_request["source_branch"] is None


def test_github_ref_type_tag_makes_a_tag_build(tmp_path: Path) -> None:
    env = github_env(
        tmp_path, {}, GITHUB_REF="", GITHUB_REF_TYPE="tag", GITHUB_REF_NAME="v3"
    )

    context = detect(env)

    assert (context.type, context.git["tag"]) == ("tag", "v3")


def test_github_release_on_a_tag_is_a_tag_build(tmp_path: Path) -> None:
    env = github_env(
        tmp_path, {}, GITHUB_EVENT_NAME="release", GITHUB_REF="refs/tags/v3"
    )

    assert detect(env).type == "tag"


def test_github_manual_run_on_a_tag_stays_manual(tmp_path: Path) -> None:
    env = github_env(
        tmp_path, {}, GITHUB_EVENT_NAME="workflow_dispatch", GITHUB_REF="refs/tags/v3"
    )

    context = detect(env)

    assert (context.type, context.git["tag"], context.git["branch"]) == (
        "manual",
        "v3",
        None,
    )


def test_github_workflow_call_is_api(tmp_path: Path) -> None:
    env = github_env(tmp_path, {}, GITHUB_EVENT_NAME="workflow_call")

    assert detect(env).type == "api"


def test_github_unknown_event_is_other(tmp_path: Path) -> None:
    env = github_env(tmp_path, {}, GITHUB_EVENT_NAME="merge_group")

    assert detect(env).type == "other"


def test_github_run_url_without_attempt(tmp_path: Path) -> None:
    env = github_env(tmp_path, {}, GITHUB_RUN_ATTEMPT="")

    ci = detect(env).ci

    assert ci["run_url"] == "https://github.example.com/acme/widgets/actions/runs/100"
    assert ci["run_attempt"] == 1


def test_github_without_event_path_has_no_native_event() -> None:
    assert detect({"GITHUB_ACTIONS": "true"}).native_event is None


@pytest.mark.parametrize(
    ("source", "event_type"),
    [
        ("external_pull_request_event", "other"),
        ("parent_pipeline", "other"),
        ("pipeline", "api"),
        ("chat", "other"),
    ],
)
def test_gitlab_pipeline_sources(source: str, event_type: str) -> None:
    env = {"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": source}

    assert detect(env).type == event_type


def test_gitlab_web_pipeline_on_a_tag_stays_manual() -> None:
    env = {"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "web", "CI_COMMIT_TAG": "v1"}

    context = detect(env)

    assert (context.type, context.git["ref"]) == ("manual", "refs/tags/v1")


def test_gitlab_pipeline_name_falls_back_to_the_project_path() -> None:
    env = {"GITLAB_CI": "true", "CI_PROJECT_PATH": "g/sub/p", "CI_PIPELINE_NAME": ""}

    assert detect(env).ci["pipeline"] == "g/sub/p"


def test_gitlab_non_numeric_merge_request_iid_is_null() -> None:
    env = {
        "GITLAB_CI": "true",
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_IID": "x19",
        "CI_MERGE_REQUEST_PROJECT_URL": "https://gitlab.example.com/g/p",
    }

    pull_request = detect(env).pull_request

    assert (pull_request["number"], pull_request["url"]) == (None, None)


@pytest.mark.parametrize(
    ("url", "slug", "web_url"),
    [
        (
            "https://github.com/acme/widgets.git",
            "acme/widgets",
            "https://github.com/acme/widgets",
        ),
        (
            "https://jenkins:s3cr3t@gitlab.example.com:8443/g/sub/p.git",
            "g/sub/p",
            "https://gitlab.example.com:8443/g/sub/p",
        ),
        ("http://git.example.com/p/", "p", "http://git.example.com/p"),
        ("git@github.com:acme/widgets.git", "acme/widgets", None),
        ("ssh://git@bitbucket.example.com:7999/proj/repo.git", "proj/repo", None),
        ("/srv/git/widgets.git", None, None),
        ("file:///srv/git/widgets.git", None, None),
        ("https://github.com/", None, None),
    ],
)
def test_jenkins_git_url(url: str, slug: str | None, web_url: str | None) -> None:
    assert parse_git_url(url) == (slug, web_url)


def test_jenkins_git_url_password_never_reaches_the_context() -> None:
    env = {
        "JENKINS_URL": "https://ci.example.com/",
        "GIT_URL": "https://deploy:glpat-s3cr3t@gitlab.example.com/g/p.git",
    }

    context = detect(env)

    assert "s3cr3t" not in repr(context)
    assert context.repository["url"] == "https://gitlab.example.com/g/p"


@pytest.mark.parametrize(
    ("git_branch", "branch", "ref"),
    [
        ("origin/feature/x", "feature/x", "refs/heads/feature/x"),
        ("refs/remotes/origin/main", "main", "refs/heads/main"),
        ("refs/heads/main", "main", "refs/heads/main"),
        ("main", "main", "refs/heads/main"),
    ],
)
def test_jenkins_git_branch_prefixes(git_branch: str, branch: str, ref: str) -> None:
    context = detect(
        {"JENKINS_URL": "https://ci.example.com/", "GIT_BRANCH": git_branch}
    )

    assert (context.type, context.git["branch"], context.git["ref"]) == (
        "push",
        branch,
        ref,
    )


def test_jenkins_tag_ref_in_git_branch_is_a_tag_build() -> None:
    env = {"JENKINS_URL": "https://ci.example.com/", "GIT_BRANCH": "refs/tags/v9"}

    context = detect(env)

    assert (context.type, context.git["tag"], context.git["branch"]) == (
        "tag",
        "v9",
        None,
    )


def test_jenkins_non_numeric_change_id_is_null() -> None:
    env = {"JENKINS_URL": "https://ci.example.com/", "CHANGE_ID": "I8473b95934"}

    context = detect(env)

    assert (context.type, context.pull_request["number"]) == ("pull_request", None)


def test_local_without_git_on_path_is_null(
    no_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(no_repo))

    context = detect({}, str(no_repo))

    assert context.git["sha"] is None
    assert context.type == "manual"


def test_local_detached_head_without_tag_has_no_ref(no_repo: Path) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(no_repo),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.com",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.com",
    }
    for args in (
        ["init", "-q"],
        ["commit", "-q", "--allow-empty", "-m", "one"],
        ["checkout", "-q", "--detach"],
    ):
        subprocess.run(["git", *args], cwd=no_repo, env=env, check=True)

    git = detect({}, str(no_repo)).git

    assert len(git["sha"]) == 40
    assert (git["ref"], git["branch"], git["tag"]) == (None, None, None)


def test_local_repository_without_commits_is_null(no_repo: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=no_repo, check=True)

    assert detect({}, str(no_repo)).git["sha"] is None
