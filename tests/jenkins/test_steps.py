"""The Jenkins steps argoEvent, argoSubmit and argoWait: what they ask of the
pipeline.

All cases run in one Groovy process (module fixture); the sh step is a
recording stand-in that writes what argo-trigger would have written.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from tests.jenkins.harness import RUN_SH, calls, only, run_steps

SECRET = "s3cret-jenkins-token-5f4e"
CREDENTIALS = {"argo-token": SECRET}
SCRIPT_EVENT = 'sh "$ARGO_TRIGGER_CALL_DIR/run.sh" event'
SCRIPT_SUBMIT = 'sh "$ARGO_TRIGGER_CALL_DIR/run.sh" submit'
SCRIPT_WAIT = 'sh "$ARGO_TRIGGER_CALL_DIR/run.sh" wait'
UI = "https://ui.example.com/workflows/ci"

EVENT_OUTPUT = {
    "event_id": "0f3c9a1be2d44c5e8a7b6c5d4e3f2a1b",
    "namespace": "ci",
    "discriminator": "build",
    "phase": "Running",
    "workflows": [
        {"name": "ci-build-x7k2p", "namespace": "ci", "url": f"{UI}/ci-build-x7k2p"},
        {"name": "ci-lint-q9w8e", "namespace": "ci", "url": f"{UI}/ci-lint-q9w8e"},
    ],
    "url": "https://argo.example.com/api/v1/events/ci/build",
    "response": {},
    "payload": {},
}
EVENT_DOTENV = (
    "ARGO_EVENT_ID=0f3c9a1be2d44c5e8a7b6c5d4e3f2a1b\n"
    "ARGO_WORKFLOW_NAME=ci-build-x7k2p\n"
    "ARGO_WORKFLOW_NAMES=ci-build-x7k2p,ci-lint-q9w8e\n"
    "ARGO_WORKFLOW_PHASE=Running\n"
    "ARGO_WORKFLOW_URL=https://ui.example.com/workflows/ci/ci-build-x7k2p\n"
)
WORKFLOW = {
    "metadata": {"name": "ci-build-abcde", "namespace": "argo"},
    "spec": {"workflowTemplateRef": {"name": "ci-build"}},
    "status": {"phase": "Pending"},
}
SUBMIT_DOTENV = (
    "ARGO_EVENT_ID=\n"
    "ARGO_WORKFLOW_NAME=ci-build-abcde\n"
    "ARGO_WORKFLOW_NAMES=ci-build-abcde\n"
    "ARGO_WORKFLOW_PHASE=Pending\n"
    "ARGO_WORKFLOW_URL=https://argo.example.com/workflows/argo/ci-build-abcde\n"
)


def finished(phase: str, *names: str, event_id: str | None = None) -> dict[str, Any]:
    """The `-o json` outcome of a wait on workflows that ended in `phase`."""
    workflows = [
        {
            "name": name,
            "namespace": "ci",
            "url": f"{UI}/{name}",
            "phase": phase,
            "started_at": "2026-03-02T10:00:00Z",
            "finished_at": "2026-03-02T10:04:10Z",
            "duration_seconds": 250.0,
            "message": "",
            "failed_nodes": [],
        }
        for name in names
    ]
    return {
        "event_id": event_id,
        "namespace": "ci",
        "discriminator": "build" if event_id else None,
        "phase": phase,
        "workflows": workflows,
    }


PROGRESS = (
    "argo-trigger: the event created ci-build-x7k2p (by label "
    "argo-trigger/event-id=0f3c9a1be2d44c5e8a7b6c5d4e3f2a1b)\n"
    "ci-build-x7k2p Running, 0/2 steps done, 0s elapsed, running: build\n"
    "build: compiling\n"
    "build:   warning: unused variable 'n'\n"
    "ci-build-x7k2p Running, 1/2 steps done, 3m elapsed, running: test\n"
)
FAILED = (
    "ci-build-x7k2p Failed, 2/2 steps done, 4m elapsed\n"
    "argo-trigger: workflow ci-build-x7k2p Failed: exit code 1\n"
    "  test Failed: exit code 1\n"
)
TIMED_OUT = (
    "argo-trigger: asked the server to stop workflow ci-build-x7k2p\n"
    "argo-trigger: error: the workflows did not finish within --timeout: "
    "ci-build-x7k2p Running; raise --timeout, or choose with --on-abort what "
    "happens to them\n"
)


def answered(stdout: Any, dotenv: str = "", stderr: str = "") -> dict[str, Any]:
    """An sh stand-in that leaves argo-trigger's result files and exits 0."""
    files = {"stdout": json.dumps(stdout), "result.env": dotenv, "stderr": stderr}
    return {"status": 0, "files": files}


def failed(status: int, stderr: str) -> dict[str, Any]:
    """An sh stand-in for argo-trigger exiting `status` with `stderr`."""
    return {"status": status, "files": {"stderr": stderr}}


CASES: dict[str, dict[str, Any]] = {
    "event with every option": {
        "step": "argoEvent",
        "options": {
            "server": "https://argo.example.com",
            "credentialsId": "argo-token",
            "namespace": "ci",
            "baseHref": "/argo/",
            "discriminator": "build",
            "params": {"environment": "prod", "replicas": 3, "canary": True},
            "timeout": "2m",
            "caFile": "/etc/ssl/argo-ca.pem",
            "insecureSkipVerify": False,
            "uiUrl": "https://ui.example.com",
            "executable": "/opt/argo-trigger/bin/argo-trigger",
        },
        "credentials": CREDENTIALS,
        "sh": answered(EVENT_OUTPUT, EVENT_DOTENV),
    },
    "event with no options": {"step": "argoEvent", "sh": answered(EVENT_OUTPUT)},
    "event with shell text": {
        "step": "argoEvent",
        "options": {
            "discriminator": "$(touch pwned)",
            "params": {"note": 'it\'s "$HOME" `id`'},
        },
        "sh": answered(EVENT_OUTPUT),
    },
    "event warning on stderr": {
        "step": "argoEvent",
        "sh": answered(EVENT_OUTPUT, stderr="argo-trigger: warning: slow server\n"),
    },
    "submit with every option": {
        "step": "argoSubmit",
        "options": {
            "server": "argo.example.com:2746",
            "credentialsId": "argo-token",
            "template": "ci-build",
            "parameters": {"sha": "0123abcd", "ref": "refs/heads/main", "n": 2},
            "timeout": 45,
            "insecureSkipVerify": True,
        },
        "credentials": CREDENTIALS,
        "sh": answered(WORKFLOW, SUBMIT_DOTENV),
    },
    "submit with no options": {"step": "argoSubmit", "sh": answered(WORKFLOW)},
    "submit of a cluster template": {
        "step": "argoSubmit",
        "options": {"template": "clusterworkflowtemplate/shared-build"},
        "sh": answered(WORKFLOW),
    },
    "submit parameter with a line break": {
        "step": "argoSubmit",
        "options": {"template": "ci-build", "parameters": {"notes": "a\nb"}},
        "sh": answered(WORKFLOW),
    },
    "submit parameter name with =": {
        "step": "argoSubmit",
        "options": {"template": "ci-build", "parameters": {"a=b": "c"}},
        "sh": answered(WORKFLOW),
    },
    "event unknown option": {
        "step": "argoEvent",
        "options": {"servr": "x", "watch": True},
        "sh": answered(EVENT_OUTPUT),
    },
    "submit takes no discriminator": {
        "step": "argoSubmit",
        "options": {"template": "ci-build", "discriminator": "ci"},
        "sh": answered(WORKFLOW),
    },
    "event params not a map": {
        "step": "argoEvent",
        "options": {"params": "environment=prod"},
        "sh": answered(EVENT_OUTPUT),
    },
    "event param value a list": {
        "step": "argoEvent",
        "options": {"params": {"targets": ["a", "b"]}},
        "sh": answered(EVENT_OUTPUT),
    },
    "event insecureSkipVerify a string": {
        "step": "argoEvent",
        "options": {"insecureSkipVerify": "yes"},
        "sh": answered(EVENT_OUTPUT),
    },
    "event on windows": {
        "step": "argoEvent",
        "options": {"credentialsId": "argo-token"},
        "credentials": CREDENTIALS,
        "unix": False,
        "sh": answered(EVENT_OUTPUT),
    },
    "event outside a node": {
        "step": "argoEvent",
        "env": {},
        "sh": answered(EVENT_OUTPUT),
    },
    "event refused": {
        "step": "argoEvent",
        "options": {"credentialsId": "argo-token"},
        "credentials": CREDENTIALS,
        "sh": failed(
            7,
            "argo-trigger: error: 401 from the Argo Server: the token was "
            "rejected; check ARGO_TOKEN\n",
        ),
    },
    "event fails silently": {"step": "argoEvent", "sh": failed(70, "")},
    "event waiting with every option": {
        "step": "argoEvent",
        "options": {
            "discriminator": "build",
            "wait": True,
            "log": True,
            "timeout": "30m",
            "onAbort": "stop",
            "discoverTimeout": 90,
            "requestTimeout": "45s",
        },
        "sh": answered(
            finished(
                "Succeeded",
                "ci-build-x7k2p",
                event_id="0f3c9a1be2d44c5e8a7b6c5d4e3f2a1b",
            ),
            stderr=PROGRESS,
        ),
    },
    "event not waiting": {
        "step": "argoEvent",
        "options": {"wait": False, "log": False},
        "sh": answered(EVENT_OUTPUT),
    },
    "event workflow failed": {
        "step": "argoEvent",
        "options": {"wait": True},
        "sh": failed(30, PROGRESS + FAILED),
    },
    "submit waiting": {
        "step": "argoSubmit",
        "options": {
            "credentialsId": "argo-token",
            "template": "ci-build",
            "wait": True,
            "timeout": 600,
            "onAbort": "terminate",
        },
        "credentials": CREDENTIALS,
        "sh": answered(finished("Succeeded", "ci-build-abcde")),
    },
    "wait for workflows": {
        "step": "argoWait",
        "options": {
            "server": "https://argo.example.com",
            "credentialsId": "argo-token",
            "namespace": "ci",
            "names": ["ci-build-x7k2p", "ci-lint-q9w8e"],
            "log": True,
            "timeout": "1h",
            "onAbort": "leave",
            "requestTimeout": 10,
        },
        "credentials": CREDENTIALS,
        "sh": answered(
            finished("Succeeded", "ci-build-x7k2p", "ci-lint-q9w8e"),
            stderr=PROGRESS,
        ),
    },
    "wait timed out": {
        "step": "argoWait",
        "options": {"names": ["ci-build-x7k2p"], "timeout": 5, "onAbort": "stop"},
        "sh": failed(32, PROGRESS + TIMED_OUT),
    },
    "wait with no names": {"step": "argoWait", "sh": answered(finished("x"))},
    "wait with an empty list": {
        "step": "argoWait",
        "options": {"names": []},
        "sh": answered(finished("x")),
    },
    "wait names a string": {
        "step": "argoWait",
        "options": {"names": "ci-build-x7k2p"},
        "sh": answered(finished("x")),
    },
    "wait name with a space": {
        "step": "argoWait",
        "options": {"names": ["ci-build-x7k2p", "a b"]},
        "sh": answered(finished("x")),
    },
    "wait takes no discover timeout": {
        "step": "argoWait",
        "options": {"names": ["a"], "discoverTimeout": 5, "wait": True},
        "sh": answered(finished("x")),
    },
    "event onAbort unknown": {
        "step": "argoEvent",
        "options": {"wait": True, "onAbort": "kill"},
        "sh": answered(EVENT_OUTPUT),
    },
    "submit wait a string": {
        "step": "argoSubmit",
        "options": {"template": "ci-build", "wait": "true"},
        "sh": answered(WORKFLOW),
    },
    "event requestTimeout a list": {
        "step": "argoEvent",
        "options": {"requestTimeout": [30]},
        "sh": answered(EVENT_OUTPUT),
    },
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("jenkins") / "workspace"
    folder.mkdir()
    return folder


@pytest.fixture(scope="module")
def records(workspace: Path) -> dict[str, Any]:
    cases = []
    for name, case in CASES.items():
        env = case.get("env", {"WORKSPACE": str(workspace)})
        cases.append({"name": name, "env": env, **case})
    return run_steps(cases, workspace.parent)


def env_entries(record: dict[str, Any]) -> dict[str, str]:
    """The withEnv entries of a case as a mapping, in order."""
    entries = only(record, "withEnv")["entries"]
    return dict(entry.split("=", 1) for entry in entries)


def step_entries(entries: dict[str, str]) -> dict[str, str]:
    """The entries without the per-call folders, which hold a random id."""
    return {
        k: v
        for k, v in entries.items()
        if k not in ("ARGO_TRIGGER_HOME", "ARGO_TRIGGER_CALL_DIR")
    }


def test_event_maps_every_option_onto_a_variable(records: dict[str, Any]) -> None:
    entries = env_entries(records["event with every option"])
    params = json.loads(entries.pop("ARGO_TRIGGER_PARAMS"))

    assert params == {"environment": "prod", "replicas": "3", "canary": "true"}
    assert step_entries(entries) == {
        "ARGO_SERVER": "https://argo.example.com",
        "ARGO_NAMESPACE": "ci",
        "ARGO_BASE_HREF": "/argo/",
        "ARGO_TRIGGER_TIMEOUT": "2m",
        "ARGO_TRIGGER_CA_FILE": "/etc/ssl/argo-ca.pem",
        "ARGO_INSECURE_SKIP_VERIFY": "false",
        "ARGO_TRIGGER_UI_URL": "https://ui.example.com",
        "ARGO_TRIGGER_EXECUTABLE": "/opt/argo-trigger/bin/argo-trigger",
        "ARGO_TRIGGER_DISCRIMINATOR": "build",
    }


def test_event_runs_the_fixed_shell_command(records: dict[str, Any]) -> None:
    sh = only(records["event with every option"], "sh")

    assert sh["script"] == SCRIPT_EVENT
    assert sh["returnStatus"] is True


def test_event_works_in_a_folder_beside_the_workspace(
    records: dict[str, Any], workspace: Path
) -> None:
    entries = env_entries(records["event with every option"])
    home = f"{workspace}@tmp/argo-trigger"

    assert entries["ARGO_TRIGGER_HOME"] == home
    assert entries["ARGO_TRIGGER_CALL_DIR"].startswith(f"{home}/event-")


def test_event_writes_the_library_script_into_its_folder(
    records: dict[str, Any],
) -> None:
    record = records["event with every option"]
    written = only(record, "writeFile")
    call_dir = env_entries(record)["ARGO_TRIGGER_CALL_DIR"]

    assert only(record, "libraryResource")["resource"] == "argo-trigger/run.sh"
    assert written["file"] == f"{call_dir}/run.sh"
    assert written["text"] == RUN_SH.read_text(encoding="utf-8")


def test_event_token_comes_from_the_credential(records: dict[str, Any]) -> None:
    record = records["event with every option"]
    bindings = only(record, "withCredentials")["bindings"]

    assert bindings == [
        {"binding": "string", "credentialsId": "argo-token", "variable": "ARGO_TOKEN"}
    ]
    assert only(record, "sh")["env"]["ARGO_TOKEN"] == SECRET


def test_event_returns_what_argo_trigger_reported(records: dict[str, Any]) -> None:
    assert records["event with every option"]["result"] == {
        "eventId": "0f3c9a1be2d44c5e8a7b6c5d4e3f2a1b",
        "workflowName": "ci-build-x7k2p",
        "workflowNames": ["ci-build-x7k2p", "ci-lint-q9w8e"],
        "phase": "Running",
        "workflowUrl": "https://ui.example.com/workflows/ci/ci-build-x7k2p",
    }


def test_event_removes_its_folder_afterwards(records: dict[str, Any]) -> None:
    record = records["event with every option"]
    call_dir = env_entries(record)["ARGO_TRIGGER_CALL_DIR"]

    assert only(record, "deleteDir")["path"] == call_dir
    assert not Path(call_dir).exists()


def test_event_says_which_event_was_sent(records: dict[str, Any]) -> None:
    echoed = [c["text"] for c in calls(records["event with every option"], "echo")]

    assert echoed == ["argoEvent: event 0f3c9a1be2d44c5e8a7b6c5d4e3f2a1b accepted"]


def test_event_without_options_installs_the_pinned_release(
    records: dict[str, Any],
) -> None:
    record = records["event with no options"]

    assert step_entries(env_entries(record)) == {
        "ARGO_TRIGGER_INSTALL": f"argo-trigger=={version('argo-trigger')}"
    }
    assert calls(record, "withCredentials") == []
    assert record["result"]["workflowUrl"] == f"{UI}/ci-build-x7k2p"


def test_event_keeps_shell_text_out_of_the_command(records: dict[str, Any]) -> None:
    record = records["event with shell text"]
    entries = env_entries(record)

    assert only(record, "sh")["script"] == SCRIPT_EVENT
    assert entries["ARGO_TRIGGER_DISCRIMINATOR"] == "$(touch pwned)"
    assert json.loads(entries["ARGO_TRIGGER_PARAMS"]) == {"note": 'it\'s "$HOME" `id`'}


def test_event_shows_argo_trigger_warnings(records: dict[str, Any]) -> None:
    echoed = [c["text"] for c in calls(records["event warning on stderr"], "echo")]

    assert echoed[0] == "argo-trigger: warning: slow server"


def test_submit_maps_template_and_parameters(records: dict[str, Any]) -> None:
    record = records["submit with every option"]
    entries = env_entries(record)
    lines = entries.pop("ARGO_TRIGGER_PARAMETERS").split("\n")

    assert sorted(lines) == ["n=2", "ref=refs/heads/main", "sha=0123abcd"]
    assert step_entries(entries) == {
        "ARGO_SERVER": "argo.example.com:2746",
        "ARGO_TRIGGER_TIMEOUT": "45",
        "ARGO_INSECURE_SKIP_VERIFY": "true",
        "ARGO_TRIGGER_INSTALL": f"argo-trigger=={version('argo-trigger')}",
        "ARGO_TRIGGER_TEMPLATE": "ci-build",
    }
    assert only(record, "sh")["script"] == SCRIPT_SUBMIT


def test_submit_returns_the_created_workflow(records: dict[str, Any]) -> None:
    assert records["submit with every option"]["result"] == {
        "eventId": None,
        "workflowName": "ci-build-abcde",
        "workflowNames": ["ci-build-abcde"],
        "phase": "Pending",
        "workflowUrl": "https://argo.example.com/workflows/argo/ci-build-abcde",
    }


def test_submit_passes_a_kind_with_the_template(records: dict[str, Any]) -> None:
    entries = env_entries(records["submit of a cluster template"])

    assert entries["ARGO_TRIGGER_TEMPLATE"] == "clusterworkflowtemplate/shared-build"


def test_event_wait_maps_every_follow_option(records: dict[str, Any]) -> None:
    record = records["event waiting with every option"]

    assert step_entries(env_entries(record)) == {
        "ARGO_TRIGGER_WAIT": "true",
        "ARGO_TRIGGER_LOG": "true",
        "ARGO_TRIGGER_TIMEOUT": "30m",
        "ARGO_TRIGGER_ON_ABORT": "stop",
        "ARGO_TRIGGER_DISCOVER_TIMEOUT": "90",
        "ARGO_TRIGGER_REQUEST_TIMEOUT": "45s",
        "ARGO_TRIGGER_INSTALL": f"argo-trigger=={version('argo-trigger')}",
        "ARGO_TRIGGER_DISCRIMINATOR": "build",
        "ARGO_TRIGGER_LIVE": "true",
    }
    assert only(record, "sh")["script"] == SCRIPT_EVENT


def test_event_wait_returns_the_outcome(records: dict[str, Any]) -> None:
    assert records["event waiting with every option"]["result"] == {
        "eventId": "0f3c9a1be2d44c5e8a7b6c5d4e3f2a1b",
        "workflowName": "ci-build-x7k2p",
        "workflowNames": ["ci-build-x7k2p"],
        "phase": "Succeeded",
        "workflowUrl": f"{UI}/ci-build-x7k2p",
    }


def test_event_wait_leaves_progress_to_the_live_log(records: dict[str, Any]) -> None:
    echoed = [
        c["text"] for c in calls(records["event waiting with every option"], "echo")
    ]

    assert echoed == [
        "argoEvent: event 0f3c9a1be2d44c5e8a7b6c5d4e3f2a1b accepted",
        f"argoEvent: ci-build-x7k2p Succeeded {UI}/ci-build-x7k2p",
    ]


def test_event_wait_false_is_passed_on_and_not_followed(
    records: dict[str, Any],
) -> None:
    record = records["event not waiting"]

    assert step_entries(env_entries(record)) == {
        "ARGO_TRIGGER_WAIT": "false",
        "ARGO_TRIGGER_LOG": "false",
        "ARGO_TRIGGER_INSTALL": f"argo-trigger=={version('argo-trigger')}",
    }
    assert record["result"]["phase"] == "Running"
    assert len(calls(record, "echo")) == 1


def test_failed_workflow_fails_the_build_with_the_failed_step(
    records: dict[str, Any],
) -> None:
    record = records["event workflow failed"]

    assert record["error"] == (
        "argo-trigger: workflow ci-build-x7k2p Failed: exit code 1\n"
        "  test Failed: exit code 1"
    )
    assert "result" not in record
    assert calls(record, "echo") == []


def test_submit_wait_returns_the_outcome(records: dict[str, Any]) -> None:
    record = records["submit waiting"]

    assert step_entries(env_entries(record)) == {
        "ARGO_TRIGGER_WAIT": "true",
        "ARGO_TRIGGER_TIMEOUT": "600",
        "ARGO_TRIGGER_ON_ABORT": "terminate",
        "ARGO_TRIGGER_INSTALL": f"argo-trigger=={version('argo-trigger')}",
        "ARGO_TRIGGER_TEMPLATE": "ci-build",
        "ARGO_TRIGGER_PARAMETERS": "",
        "ARGO_TRIGGER_LIVE": "true",
    }
    assert record["result"] == {
        "eventId": None,
        "workflowName": "ci-build-abcde",
        "workflowNames": ["ci-build-abcde"],
        "phase": "Succeeded",
        "workflowUrl": f"{UI}/ci-build-abcde",
    }


def test_wait_passes_the_names_one_a_line(records: dict[str, Any]) -> None:
    record = records["wait for workflows"]

    assert step_entries(env_entries(record)) == {
        "ARGO_SERVER": "https://argo.example.com",
        "ARGO_NAMESPACE": "ci",
        "ARGO_TRIGGER_REQUEST_TIMEOUT": "10",
        "ARGO_TRIGGER_LOG": "true",
        "ARGO_TRIGGER_TIMEOUT": "1h",
        "ARGO_TRIGGER_ON_ABORT": "leave",
        "ARGO_TRIGGER_INSTALL": f"argo-trigger=={version('argo-trigger')}",
        "ARGO_TRIGGER_NAMES": "ci-build-x7k2p\nci-lint-q9w8e",
        "ARGO_TRIGGER_LIVE": "true",
    }
    assert only(record, "sh")["script"] == SCRIPT_WAIT
    assert only(record, "sh")["env"]["ARGO_TOKEN"] == SECRET


def test_wait_returns_how_the_workflows_ended(records: dict[str, Any]) -> None:
    record = records["wait for workflows"]
    echoed = [c["text"] for c in calls(record, "echo")]

    assert record["result"] == {
        "eventId": None,
        "workflowName": "ci-build-x7k2p",
        "workflowNames": ["ci-build-x7k2p", "ci-lint-q9w8e"],
        "phase": "Succeeded",
        "workflowUrl": f"{UI}/ci-build-x7k2p",
    }
    assert echoed == [
        f"argoWait: ci-build-x7k2p, ci-lint-q9w8e Succeeded {UI}/ci-build-x7k2p"
    ]


def test_wait_timeout_fails_the_build_with_what_was_done(
    records: dict[str, Any],
) -> None:
    assert records["wait timed out"]["error"] == TIMED_OUT.strip()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "event unknown option",
            "argoEvent: unknown option servr, watch; the options are baseHref, "
            "caFile, credentialsId, discoverTimeout, discriminator, executable, "
            "insecureSkipVerify, install, log, namespace, onAbort, params, "
            "requestTimeout, server, timeout, uiUrl, wait",
        ),
        (
            "submit takes no discriminator",
            "argoSubmit: unknown option discriminator; the options are baseHref, "
            "caFile, credentialsId, executable, insecureSkipVerify, install, log, "
            "namespace, onAbort, parameters, requestTimeout, server, template, "
            "timeout, uiUrl, wait",
        ),
        (
            "event params not a map",
            "argoEvent: params must be a map of names to values, not String",
        ),
        (
            "event param value a list",
            "argoEvent: params.targets must be a string, number or boolean, "
            "not ArrayList",
        ),
        (
            "event insecureSkipVerify a string",
            "argoEvent: insecureSkipVerify must be true or false, not String",
        ),
        (
            "submit with no options",
            "argoSubmit: template is required: the name of the WorkflowTemplate "
            "to submit, or KIND/NAME",
        ),
        (
            "submit parameter with a line break",
            "argoSubmit: parameters.notes holds a line break; workflow "
            "parameters given here must be one line each",
        ),
        (
            "submit parameter name with =",
            "argoSubmit: parameter name 'a=b' may not hold '=' or a line break",
        ),
        (
            "event on windows",
            "argoEvent runs argo-trigger with sh and needs a Linux or macOS "
            "agent; this one is Windows",
        ),
        (
            "event outside a node",
            "argoEvent needs a workspace: call it inside a node or agent block",
        ),
        (
            "wait with no names",
            "argoWait: names is required: the workflows to wait for, such as "
            "names: ['ci-build-x7k2p'] or a step's workflowNames",
        ),
        (
            "wait with an empty list",
            "argoWait: names is required: the workflows to wait for, such as "
            "names: ['ci-build-x7k2p'] or a step's workflowNames",
        ),
        (
            "wait names a string",
            "argoWait: names must be a list of workflow names, not String",
        ),
        (
            "wait name with a space",
            "argoWait: names must hold workflow names, not 'a b'",
        ),
        (
            "wait takes no discover timeout",
            "argoWait: unknown option discoverTimeout, wait; the options are "
            "baseHref, caFile, credentialsId, executable, insecureSkipVerify, "
            "install, log, names, namespace, onAbort, requestTimeout, server, "
            "timeout, uiUrl",
        ),
        (
            "event onAbort unknown",
            "argoEvent: onAbort must be one of leave, stop, terminate, not 'kill'",
        ),
        (
            "submit wait a string",
            "argoSubmit: wait must be true or false, not String",
        ),
        (
            "event requestTimeout a list",
            "argoEvent: requestTimeout must be seconds (30) or a duration ('5m'), "
            "not ArrayList",
        ),
    ],
)
def test_bad_use_fails_before_anything_runs(
    records: dict[str, Any], case: str, message: str
) -> None:
    record = records[case]

    assert record["error"] == message
    assert "result" not in record
    assert calls(record, "sh") == []
    assert calls(record, "withCredentials") == []


def test_failure_fails_the_build_with_argo_triggers_message(
    records: dict[str, Any],
) -> None:
    record = records["event refused"]

    assert record["error"] == (
        "argo-trigger: error: 401 from the Argo Server: the token was rejected; "
        "check ARGO_TOKEN"
    )
    assert calls(record, "echo") == []


def test_failure_still_removes_the_folder(records: dict[str, Any]) -> None:
    record = records["event refused"]
    call_dir = env_entries(record)["ARGO_TRIGGER_CALL_DIR"]

    assert only(record, "deleteDir")["path"] == call_dir
    assert not Path(call_dir).exists()


def test_failure_without_a_message_names_the_status(records: dict[str, Any]) -> None:
    assert records["event fails silently"]["error"] == (
        "argoEvent: argo-trigger exited with status 70 and printed no message"
    )


def test_secret_reaches_only_the_credential_variable(
    records: dict[str, Any],
) -> None:
    tokens_given = []
    for record in records.values():
        for call in record["steps"]:
            shown = dict(call)
            if call["step"] == "sh":
                tokens_given.append(shown.pop("env").get("ARGO_TOKEN"))
            assert SECRET not in json.dumps(shown), call
        assert SECRET not in json.dumps(record.get("result"))
        assert SECRET not in str(record.get("error"))

    ran_with_credentials = [
        name
        for name, case in CASES.items()
        if "credentials" in case and calls(records[name], "sh")
    ]
    assert len(ran_with_credentials) == 5
    assert tokens_given.count(SECRET) == len(ran_with_credentials)
