"""Fixtures for the reporters: a GitLab stand-in and the package log."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from argo_trigger import log
from tests.report.gitlab_api import GitLabAPI, Member

SHA = "9c1f0e2d3b4a59687766554433221100ffeeddcc"
PRIVATE_TOKEN = "glpat-reporter-0000-secret-0001"
REPORTER_TOKEN = "glpat-readonly-0000-secret-0002"
JOB_TOKEN = "glcbt-64_job-0000-secret-0003"
PIPELINE_ID = 8801
MR_IID = 17


@pytest.fixture
def gitlab_api() -> Iterator[GitLabAPI]:
    """A started GitLab stand-in that knows one project, commit, pipeline, MR."""
    api = GitLabAPI(
        commits={SHA},
        pipelines={PIPELINE_ID},
        merge_requests={MR_IID},
        private_tokens={
            PRIVATE_TOKEN: Member("release-bot"),
            REPORTER_TOKEN: Member("viewer", role="reporter"),
        },
        job_tokens={JOB_TOKEN: Member("ci-user")},
    )
    api.start()
    try:
        yield api
    finally:
        api.stop()


@pytest.fixture
def gitlab_env(gitlab_api: GitLabAPI) -> dict[str, str]:
    """GitLab CI's predefined variables for a merge-request pipeline."""
    return {
        "GITLAB_CI": "true",
        "CI_SERVER_URL": gitlab_api.url,
        "CI_PROJECT_ID": str(gitlab_api.project_id),
        "CI_PROJECT_PATH": gitlab_api.project_path,
        "CI_COMMIT_SHA": SHA,
        "CI_COMMIT_REF_NAME": "feature/login",
        "CI_PIPELINE_ID": str(PIPELINE_ID),
        "CI_MERGE_REQUEST_IID": str(MR_IID),
        "CI_JOB_TOKEN": JOB_TOKEN,
    }


@pytest.fixture
def log_stream() -> io.StringIO:
    """The package log, at warning level, as the command line sets it up."""
    stream = io.StringIO()
    log.configure(0, stream)
    return stream


@pytest.fixture
def info_log() -> io.StringIO:
    """The package log at info level (-v)."""
    stream = io.StringIO()
    log.configure(1, stream)
    return stream
