"""What a run did, written where each CI system shows it.

One result model, `Outcome`, and one writer per place: GitHub Actions' step
outputs, step summary and error annotations; a dotenv file for GitLab's
`artifacts:reports:dotenv`, and commit statuses and a merge-request note
through GitLab's API (`report_gitlab`, loaded only when a GitLab token is
given); JSON for Jenkins and scripts. Every text written is masked first.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, TextIO
from urllib.parse import quote

from argo_trigger import github_annotations
from argo_trigger.errors import ConfigError, UsageError
from argo_trigger.log import logger
from argo_trigger.masking import mask, register

FINISHED_PHASES = frozenset({"Succeeded", "Failed", "Error"})
FAILED_PHASES = frozenset({"Failed", "Error"})

# Argo's messages can run to pages; a summary stays readable when cut here.
MESSAGE_LIMIT = 300
NODES_SHOWN = 20

PHASE_ICONS = {
    "Succeeded": "✅",
    "Failed": "❌",
    "Error": "❌",
    "Running": "⏳",
    "Pending": "⏳",
}


# NamedTuples, not dataclasses: the event command publishes an Outcome, and
# importing dataclasses (with inspect) would cost it start-up time.
class FailedNode(NamedTuple):
    """A step that did not succeed, with Argo's message for it."""

    name: str
    phase: str
    message: str | None = None


class WorkflowResult(NamedTuple):
    """One workflow as the run knows it (phase is None until it is read)."""

    name: str
    namespace: str
    url: str
    phase: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    duration_seconds: float | None = None
    message: str | None = None
    failed_nodes: Sequence[FailedNode] = ()

    def to_json(self) -> dict[str, Any]:
        """The workflow as JSON, in the result `-o json` prints."""
        shown = self._asdict()
        shown["failed_nodes"] = [node._asdict() for node in self.failed_nodes]
        return shown


class Outcome(NamedTuple):
    """The result of a command: the event sent and the workflows known."""

    namespace: str
    event_id: str | None = None
    discriminator: str | None = None
    workflows: Sequence[WorkflowResult] = ()

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
            "workflows": [w.to_json() for w in self.workflows],
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
        duration_seconds=_duration(status.get("startedAt"), status.get("finishedAt")),
        message=status.get("message") or None,
        failed_nodes=failed_nodes(status.get("nodes") or {}),
    )


def _duration(started: Any, finished: Any) -> float | None:
    """Seconds between two Kubernetes timestamps; None unless both are set."""
    if not isinstance(started, str) or not isinstance(finished, str):
        return None
    try:
        start = datetime.fromisoformat(started.replace("Z", "+00:00"))
        end = datetime.fromisoformat(finished.replace("Z", "+00:00"))
    except ValueError:
        return None
    return max((end - start).total_seconds(), 0.0)


def failed_nodes(nodes: Mapping[str, Any]) -> list[FailedNode]:
    """The nodes that failed on their own account, oldest first.

    A group (steps, DAG) fails because a child did; only the nodes without
    a failed child are named, since their messages say what went wrong.
    """
    failed = {
        key: node
        for key, node in nodes.items()
        if isinstance(node, dict) and node.get("phase") in FAILED_PHASES
    }
    own = [
        node
        for node in failed.values()
        if not any(child in failed for child in node.get("children") or [])
    ]
    own.sort(key=lambda node: str(node.get("startedAt") or ""))
    return [
        FailedNode(
            name=str(node.get("displayName") or node.get("name") or ""),
            phase=str(node["phase"]),
            message=node.get("message") or None,
        )
        for node in own
    ]


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
    """Append the step outputs and the summary to GitHub's files, when set.

    Raises ConfigError when GITHUB_OUTPUT or GITHUB_STEP_SUMMARY names a file
    that cannot be written.
    """
    entries = "".join(_github_entry(k, v) for k, v in outputs(outcome).items())
    _append("GITHUB_OUTPUT", env.get("GITHUB_OUTPUT"), entries)

    summary = summary_markdown(outcome)
    _append("GITHUB_STEP_SUMMARY", env.get("GITHUB_STEP_SUMMARY"), summary)


def _append(variable: str, path: str | None, text: str) -> None:
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as file:
            file.write(mask(text))
    except OSError as error:
        raise ConfigError(
            f"cannot write the file that {variable} names ({path}): {error.strerror}"
        ) from None


def _github_entry(name: str, value: str) -> str:
    # The heredoc form is safe for any value; the delimiter must not occur in it.
    delimiter = f"ghadelimiter_{os.urandom(16).hex()}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def summary_markdown(outcome: Outcome) -> str:
    """The summary in Markdown, for GitHub's step summary and GitLab's note.

    The event, a table of the workflows with phase, duration and UI link, then
    for each failed workflow Argo's message and its failed steps.
    """
    lines = ["### Argo Workflows", ""]
    lines += _event_lines(outcome)
    if outcome.workflows:
        lines += ["| Workflow | Phase | Duration |", "|---|---|---|"]
        lines += [_workflow_row(w) for w in outcome.workflows]
        lines.append("")
    for workflow in outcome.workflows:
        if workflow.phase in FAILED_PHASES:
            lines += _failure_lines(workflow)
    return "\n".join(lines) + "\n"


def _event_lines(outcome: Outcome) -> list[str]:
    if not outcome.event_id:
        return []
    sentence = f"Event {_code(outcome.event_id)} sent to namespace "
    sentence += _code(outcome.namespace)
    if outcome.discriminator:
        sentence += f" with discriminator {_code(outcome.discriminator)}"
    lines = [sentence + ".", ""]
    if not outcome.workflows:
        # The server's answer to an event never names the workflows it started.
        lines += ["The Argo Server does not say which workflows an event starts.", ""]
    return lines


def _workflow_row(workflow: WorkflowResult) -> str:
    link = f"[{_cell(workflow.name)}]({_link_target(workflow.url)})"
    cells = [link, phase_label(workflow.phase), format_duration(duration_of(workflow))]
    return "| " + " | ".join(cells) + " |"


def _failure_lines(workflow: WorkflowResult) -> list[str]:
    lines = [f"#### {phase_label(workflow.phase)}: {_cell(workflow.name)}", ""]
    if workflow.message:
        lines += [_code(_shorten(workflow.message)), ""]
    if not workflow.failed_nodes:
        return lines

    lines += ["| Failed step | Phase | Message |", "|---|---|---|"]
    for node in workflow.failed_nodes[:NODES_SHOWN]:
        name, message = _code(node.name), _code(_shorten(node.message or ""))
        cells = [_in_cell(name), _cell(node.phase), _in_cell(message)]
        lines.append("| " + " | ".join(cells) + " |")
    hidden = len(workflow.failed_nodes) - NODES_SHOWN
    if hidden > 0:
        lines += ["", f"{hidden} more failed steps are in the Argo UI."]
    lines.append("")
    return lines


def phase_label(phase: str | None) -> str:
    """A phase as the summary shows it, with its icon; empty when unknown."""
    if not phase:
        return ""
    icon = PHASE_ICONS.get(phase)
    return f"{icon} {phase}" if icon else _cell(phase)


def duration_of(workflow: WorkflowResult) -> float | None:
    """Seconds from start to finish, as given or from the two timestamps."""
    if workflow.duration_seconds is not None:
        return workflow.duration_seconds
    started = _timestamp(workflow.started_at)
    finished = _timestamp(workflow.finished_at)
    if started is None or finished is None:
        return None
    return (finished - started).total_seconds()


def _timestamp(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        # Python 3.10 reads "+00:00" but not Kubernetes' "Z".
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def format_duration(seconds: float | None) -> str:
    """`1h 2m 5s`, `2m 5s` or `5s`, to the nearest second; empty when unknown."""
    if seconds is None or seconds < 0:
        return ""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes}m {secs}s"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{secs}s"


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= MESSAGE_LIMIT:
        return flat
    return flat[: MESSAGE_LIMIT - 1].rstrip() + "…"


def _code(text: str) -> str:
    # A code span shows Argo's words as they are: no Markdown, no HTML. Its
    # fence is one backtick longer than the longest run of them in the text.
    flat = " ".join(text.split())
    if not flat:
        return ""
    runs = re.findall(r"`+", flat)
    fence = "`" * (max((len(r) for r in runs), default=0) + 1)
    pad = " " if runs else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _in_cell(markdown: str) -> str:
    # GitHub ends a table cell at "|" even inside a code span, unless escaped.
    return markdown.replace("|", "\\|")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _link_target(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def failure_text(workflow: WorkflowResult) -> str:
    """What went wrong with a workflow, in plain lines for an annotation."""
    first = f"workflow {workflow.namespace}/{workflow.name} {workflow.phase}"
    if workflow.message:
        first += f": {workflow.message}"
    lines = [first]
    for node in workflow.failed_nodes[:NODES_SHOWN]:
        lines.append(f"{node.name}: {' '.join((node.message or node.phase).split())}")
    lines.append(workflow.url)
    return "\n".join(lines)


def annotate_failure(outcome: Outcome, env: Mapping[str, str], stream: TextIO) -> int:
    """Write an `::error` annotation to `stream` per Failed or Error workflow.

    Only in GitHub Actions; returns how many annotations were written. `publish`
    calls this already, so callers that publish need not call it again.
    """
    if not github_annotations.in_github_actions(env):
        return 0
    failed = [w for w in outcome.workflows if w.phase in FAILED_PHASES]
    for workflow in failed:
        title = f"Argo workflow {workflow.name}: {workflow.phase}"
        github_annotations.error(stream, failure_text(workflow), title=title)
    return len(failed)


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


def dotenv_text(outcome: Outcome) -> str:
    """The dotenv file: one `KEY=VALUE` line per variable, no blank lines.

    GitLab rejects the whole file for a line without `=`, so a value never
    spans lines.
    """
    lines = (f"{k}={' '.join(v.split())}\n" for k, v in dotenv_lines(outcome).items())
    return mask("".join(lines))


def write_dotenv(outcome: Outcome, path: str) -> None:
    """Write a dotenv file as GitLab's `artifacts:reports:dotenv` reads it.

    Raises UsageError when the file cannot be written.
    """
    try:
        Path(path).write_text(dotenv_text(outcome), encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write --dotenv {path}: {error.strerror}") from None


def env_flag(env: Mapping[str, str], name: str) -> bool:
    """True when the variable `name` is set to `true` (any case)."""
    return env.get(name, "").strip().lower() == "true"


def gitlab_token(token_file: str | None, env: Mapping[str, str]) -> str | None:
    """The GitLab API token: --gitlab-token-file, then ARGO_TRIGGER_GITLAB_TOKEN.

    The token is registered for masking before anything else happens. A file
    that cannot be read is logged as a warning and gives no token: reporting
    to GitLab never fails a job whose workflows ran.
    """
    if token_file:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            logger.warning(
                "cannot read --gitlab-token-file %s: %s; no GitLab commit "
                "statuses will be posted",
                token_file,
                error.strerror,
            )
            return None
    else:
        token = env.get("ARGO_TRIGGER_GITLAB_TOKEN", "").strip()
    register(token)
    return token or None


def publish(
    outcome: Outcome,
    env: Mapping[str, str],
    dotenv_path: str | None,
    *,
    stream: TextIO | None = None,
    gitlab_token: str | None = None,
    gitlab_mr_note: bool = False,
) -> None:
    """Write the outcome everywhere the environment asks for it.

    In GitHub Actions: the step outputs, the step summary, and, on `stream`,
    an error annotation per failed workflow. With `dotenv_path`: the dotenv
    file. With `gitlab_token`: a commit status per workflow and, with
    `gitlab_mr_note`, a merge-request note (failures there are warnings).

    Raises ConfigError when a GitHub file cannot be written, and UsageError
    when the dotenv file cannot.
    """
    if github_annotations.in_github_actions(env):
        write_github(outcome, env)
        if stream is not None:
            annotate_failure(outcome, env, stream)

    if dotenv_path:
        write_dotenv(outcome, dotenv_path)

    if gitlab_token:
        from argo_trigger import report_gitlab

        report_gitlab.publish(outcome, env, gitlab_token, mr_note=gitlab_mr_note)
