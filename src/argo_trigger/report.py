"""What a run did, written where each CI system shows it.

One result model, `Outcome`, and one writer per place: GitHub Actions' step
outputs and step summary, a dotenv file for GitLab's `artifacts:reports:dotenv`,
and JSON for Jenkins and scripts.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from argo_trigger.errors import UsageError


@dataclass(frozen=True)
class WorkflowResult:
    """One workflow as the run knows it (phase is None until it is read)."""

    name: str
    namespace: str
    url: str
    phase: str | None = None
    started_at: str | None = None
    finished_at: str | None = None


@dataclass(frozen=True)
class Outcome:
    """The result of a command: the event sent and the workflows known."""

    namespace: str
    event_id: str | None = None
    discriminator: str | None = None
    workflows: list[WorkflowResult] = field(default_factory=list)

    @property
    def phase(self) -> str | None:
        """The first workflow's phase: what a single-workflow job reports."""
        return self.workflows[0].phase if self.workflows else None

    def to_json(self) -> dict[str, Any]:
        """The model as JSON, the shape `-o json` prints."""
        return {
            "event_id": self.event_id,
            "namespace": self.namespace,
            "discriminator": self.discriminator,
            "phase": self.phase,
            "workflows": [asdict(w) for w in self.workflows],
        }


def ui_url(base_url: str, namespace: str, name: str, ui_base: str | None) -> str:
    """The Argo UI page of a workflow: the server's UI, or --ui-url's."""
    base = (ui_base or base_url).rstrip("/")
    return f"{base}/workflows/{quote(namespace, safe='')}/{quote(name, safe='')}"


def workflow_result(
    workflow: Mapping[str, Any], base_url: str, ui_base: str | None
) -> WorkflowResult:
    """A WorkflowResult from a Workflow object as the server returns it."""
    metadata = workflow.get("metadata") or {}
    status = workflow.get("status") or {}
    name = str(metadata.get("name", ""))
    namespace = str(metadata.get("namespace", ""))
    return WorkflowResult(
        name=name,
        namespace=namespace,
        url=ui_url(base_url, namespace, name, ui_base),
        phase=status.get("phase") or None,
        started_at=status.get("startedAt") or None,
        finished_at=status.get("finishedAt") or None,
    )


def outputs(outcome: Outcome) -> dict[str, str]:
    """The step outputs, by their kebab-case names."""
    first = outcome.workflows[0] if outcome.workflows else None
    return {
        "event-id": outcome.event_id or "",
        "workflow-name": first.name if first else "",
        "workflow-names": json.dumps([w.name for w in outcome.workflows]),
        "phase": outcome.phase or "",
        "workflow-url": first.url if first else "",
    }


def write_github(outcome: Outcome, env: Mapping[str, str]) -> None:
    """Append the outputs and a summary table to GitHub's files, when they exist."""
    output_path = env.get("GITHUB_OUTPUT")
    if output_path:
        with open(output_path, "a", encoding="utf-8") as file:
            for name, value in outputs(outcome).items():
                file.write(_github_entry(name, value))
    summary_path = env.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with open(summary_path, "a", encoding="utf-8") as file:
            file.write(summary_markdown(outcome))


def _github_entry(name: str, value: str) -> str:
    # The heredoc form is safe for any value; the delimiter must not occur in it.
    delimiter = f"ghadelimiter_{uuid.uuid4().hex}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def summary_markdown(outcome: Outcome) -> str:
    """A Markdown summary: the event, then a table of the workflows."""
    lines = ["### Argo Workflows", ""]
    if outcome.event_id:
        lines += [
            f"Event `{outcome.event_id}` sent to namespace `{outcome.namespace}`.",
            "",
        ]
    if outcome.workflows:
        lines += ["| Workflow | Phase | Started | Finished |", "|---|---|---|---|"]
        for w in outcome.workflows:
            cells = [
                f"[{w.name}]({w.url})",
                w.phase or "",
                w.started_at or "",
                w.finished_at or "",
            ]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        lines.append("")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def dotenv_lines(outcome: Outcome) -> dict[str, str]:
    """The variables of the dotenv report, for later jobs of the pipeline."""
    first = outcome.workflows[0] if outcome.workflows else None
    return {
        "ARGO_EVENT_ID": outcome.event_id or "",
        "ARGO_WORKFLOW_NAME": first.name if first else "",
        "ARGO_WORKFLOW_NAMES": ",".join(w.name for w in outcome.workflows),
        "ARGO_WORKFLOW_PHASE": outcome.phase or "",
        "ARGO_WORKFLOW_URL": first.url if first else "",
    }


def write_dotenv(outcome: Outcome, path: str) -> None:
    """Write a dotenv file as GitLab's `artifacts:reports:dotenv` reads it."""
    text = "".join(f"{k}={v}\n" for k, v in dotenv_lines(outcome).items())
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write --dotenv {path}: {error.strerror}") from None


def publish(outcome: Outcome, env: Mapping[str, str], dotenv_path: str | None) -> None:
    """Write the outcome everywhere the environment asks for it."""
    if env.get("GITHUB_ACTIONS") == "true":
        write_github(outcome, env)
    if dotenv_path:
        write_dotenv(outcome, dotenv_path)
