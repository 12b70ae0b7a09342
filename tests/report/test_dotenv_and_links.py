"""GitLab's dotenv report, `-o json`, and the links to the Argo UI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from argo_trigger import config, report
from argo_trigger.errors import UsageError
from argo_trigger.report import Outcome
from tests.conftest import ADMIN_TOKEN, CLI
from tests.report.samples import EVENT_ID, parse_gitlab_dotenv, sample_outcome

DOTENV = f"""\
ARGO_EVENT_ID={EVENT_ID}
ARGO_WORKFLOW_NAME=build-x7k2p
ARGO_WORKFLOW_NAMES=build-x7k2p,test-q9w8e
ARGO_WORKFLOW_PHASE=Succeeded
ARGO_WORKFLOW_URL=https://argo.example.com/argo/workflows/ci/build-x7k2p
"""


def test_dotenv_file_is_exactly_one_line_per_variable(tmp_path: Path) -> None:
    path = tmp_path / "argo.env"
    report.write_dotenv(sample_outcome(), str(path))

    assert path.read_text() == DOTENV


def test_dotenv_file_reads_back_as_gitlab_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "argo.env"
    report.write_dotenv(Outcome(namespace="ci", event_id=EVENT_ID), str(path))

    assert parse_gitlab_dotenv(path.read_text()) == {
        "ARGO_EVENT_ID": EVENT_ID,
        "ARGO_WORKFLOW_NAME": "",
        "ARGO_WORKFLOW_NAMES": "",
        "ARGO_WORKFLOW_PHASE": "",
        "ARGO_WORKFLOW_URL": "",
    }


def test_a_value_with_a_line_break_stays_on_its_line(tmp_path: Path) -> None:
    outcome = sample_outcome()
    odd = outcome.workflows[0]._replace(url="https://argo/ui\nINJECTED=1")
    path = tmp_path / "argo.env"
    report.write_dotenv(outcome._replace(workflows=[odd]), str(path))

    values = parse_gitlab_dotenv(path.read_text())
    assert "INJECTED" not in values
    assert values["ARGO_WORKFLOW_URL"] == "https://argo/ui INJECTED=1"


def test_an_unwritable_dotenv_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot write --dotenv"):
        report.write_dotenv(sample_outcome(), str(tmp_path / "no" / "argo.env"))


def test_json_model_carries_durations_and_failed_nodes() -> None:
    model = json.loads(json.dumps(sample_outcome().to_json()))

    assert model["phase"] == "Succeeded"
    assert model["workflows"][0]["duration_seconds"] == 65.0
    assert model["workflows"][1]["failed_nodes"][0] == {
        "name": "test-q9w8e.unit",
        "phase": "Failed",
        "message": "Error (exit code 1)",
    }


def test_ui_link_keeps_the_servers_base_href() -> None:
    base = config.base_url("argo.example.com:443", secure=True, base_href="/argo/")

    assert report.ui_url(base, "ci", "build-x7k2p", None) == (
        "https://argo.example.com:443/argo/workflows/ci/build-x7k2p"
    )


def test_ui_link_uses_ui_url_when_given() -> None:
    base = config.base_url("argo-server:2746", secure=True, base_href="/argo/")

    assert report.ui_url(base, "ci", "w", "https://argo.example.com/ui/") == (
        "https://argo.example.com/ui/workflows/ci/w"
    )


def test_submit_behind_a_base_href_links_to_the_ui_under_it(
    cli: CLI, tmp_path: Path
) -> None:
    from argo_trigger.standin import Standin
    from tests.conftest import accounts

    manifest = tmp_path / "wf.yaml"
    manifest.write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n"
        "metadata: {generateName: hello-}\n"
        "spec: {entrypoint: main, templates: [{name: main, "
        "container: {image: alpine}}]}\n"
    )
    dotenv = tmp_path / "argo.env"
    with Standin(accounts=accounts(), base_href="/argo/") as server:
        server.start()
        env = {"ARGO_SERVER": server.url, "ARGO_TOKEN": ADMIN_TOKEN}
        result = cli(
            "submit",
            str(manifest),
            "--base-href",
            "/argo/",
            "--no-ci-labels",
            "--dotenv",
            str(dotenv),
            env=env,
        )

    assert result.code == 0, result.err
    values = parse_gitlab_dotenv(dotenv.read_text())
    name = values["ARGO_WORKFLOW_NAME"]
    assert name.startswith("hello-")
    assert values["ARGO_WORKFLOW_URL"] == f"{server.url}/argo/workflows/argo/{name}"
