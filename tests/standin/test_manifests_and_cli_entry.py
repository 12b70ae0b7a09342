"""Loading manifests, and serve_forever run in a real subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests

from argo_trigger.errors import UsageError
from argo_trigger.standin import Standin
from tests.standin.standin_helpers import MANIFESTS


def test_a_folder_loads_every_kind(tmp_path: Path) -> None:
    srv = Standin([])
    srv.load_manifests([MANIFESTS])

    assert [t["metadata"]["name"] for t in srv.objects("WorkflowTemplate", "argo")] == [
        "build",
        "release",
    ]
    assert len(srv.objects("ClusterWorkflowTemplate")) == 1
    assert len(srv.objects("CronWorkflow", "argo")) == 1
    assert len(srv.objects("WorkflowEventBinding", "argo")) == 2


def test_kinds_the_stand_in_does_not_serve_are_skipped(tmp_path: Path) -> None:
    manifest = tmp_path / "secret.yaml"
    manifest.write_text("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n")
    srv = Standin([])

    srv.load_manifests([manifest])

    assert srv.objects("WorkflowTemplate") == []


def test_a_manifest_that_is_not_yaml_is_a_usage_error(tmp_path: Path) -> None:
    manifest = tmp_path / "broken.yaml"
    manifest.write_text("kind: [unclosed\n")

    with pytest.raises(UsageError, match=r"broken\.yaml"):
        Standin([]).load_manifests([manifest])


def test_a_missing_manifest_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        Standin([]).load_manifests([tmp_path / "absent.yaml"])


def test_adding_an_unserved_kind_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="Pod"):
        Standin([]).add({"kind": "Pod", "metadata": {"name": "p"}})


def test_a_manifest_in_its_own_namespace_stays_there() -> None:
    srv = Standin([])
    srv.add(
        {
            "kind": "WorkflowEventBinding",
            "metadata": {"name": "b", "namespace": "team-a"},
            "spec": {"event": {"selector": "true"}},
        }
    )

    assert srv.objects("WorkflowEventBinding", "argo") == []
    assert len(srv.objects("WorkflowEventBinding", "team-a")) == 1


SERVE = textwrap.dedent(
    """
    import sys
    from argo_trigger.standin import serve_forever

    def ready(url):
        print(url, flush=True)

    serve_forever(port=0, manifests=[sys.argv[1]], token="trial-token",
                  base_href="/argo", on_ready=ready)
    print("stopped", flush=True)
    """
)


def test_serve_forever_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(MANIFESTS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_PROXY": "*"},
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        response = requests.get(
            url + "/api/v1/workflow-templates/argo/build",
            headers={"Authorization": "Bearer trial-token"},
            timeout=10,
        )
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()

    assert url.startswith("http://127.0.0.1:") and url.endswith("/argo")
    assert response.status_code == 200
    assert out.strip() == "stopped"
    assert process.returncode == 0
    assert "Traceback" not in err
