"""A runner for composite GitHub Actions, doing what GitHub's runner does.

`run_action` reads an `action.yml` whose `runs.using` is `composite`, applies
the input defaults, and runs each `run:` step as GitHub does: expressions
evaluated, the step's `shell` and `env`, fresh `GITHUB_OUTPUT`, `GITHUB_ENV`,
`GITHUB_PATH` and `GITHUB_STEP_SUMMARY` files whose contents are carried
forward, `if:` conditions, and the workflow commands a step prints
(`::add-mask::`, `::error::` and the other annotations, `::stop-commands::`).
Like GitHub for composite actions, it sets no `INPUT_*` variables.

What it leaves out: `uses:` steps inside the action, `continue-on-error`,
and every expression function other than the status functions.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.action import expressions

SHELLS = {
    "bash": (["bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"], ".sh"),
    "sh": (["sh", "-e", "{0}"], ".sh"),
    "python": (["python", "{0}"], ".py"),
}
COMMAND = re.compile(r"^::(?P<name>[A-Za-z][\w-]*)(?: (?P<props>.*?))?::(?P<data>.*)$")
ANNOTATIONS = {"error", "warning", "notice"}
STEP_TIMEOUT = 600


class ActionError(Exception):
    """The action or a step cannot be run as written (not a step failure)."""


@dataclass(frozen=True)
class Annotation:
    """An `::error`, `::warning` or `::notice` command, masked as GitHub shows it."""

    level: str
    message: str
    properties: dict[str, str]


@dataclass
class StepRun:
    """One step: `success`, `failure` or `skipped`, and the outputs it set."""

    id: str | None
    name: str
    outcome: str
    exit_code: int | None = None
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class ActionRun:
    """Everything a run of the action left behind."""

    outcome: str
    outputs: dict[str, str]
    steps: list[StepRun]
    log: str
    raw: str
    annotations: list[Annotation]
    summary: str
    env: dict[str, str]
    path: list[str]
    masks: list[str]

    def errors(self) -> list[str]:
        """The messages of the `::error` annotations."""
        return [a.message for a in self.annotations if a.level == "error"]


@dataclass
class _State:
    """What carries from one step to the next."""

    masks: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    records: list[StepRun] = field(default_factory=list)
    failed: bool = False

    def mask(self, text: str) -> str:
        """`text` with every registered secret replaced by `***`."""
        for secret in sorted(self.masks, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


def load_action(action_dir: Path) -> dict[str, Any]:
    """The parsed `action.yml` (or `action.yaml`) of a folder."""
    for name in ("action.yml", "action.yaml"):
        path = action_dir / name
        if path.exists():
            document = yaml.safe_load(path.read_text("utf-8"))
            if not isinstance(document, dict):
                raise ActionError(f"{path} is not a mapping")
            return document
    raise ActionError(f"no action.yml in {action_dir}")


def run_action(
    action_dir: Path,
    inputs: Mapping[str, str],
    *,
    environment: Mapping[str, str],
    temp: Path,
    job_env: Mapping[str, str] | None = None,
    workspace: Path | None = None,
) -> ActionRun:
    """Run a composite action as GitHub would, and return what it left.

    `environment` is the runner machine's process environment (GITHUB_* and
    RUNNER_* included), `job_env` the workflow's `env:` (the `env` context).
    Raises ActionError for an action this runner cannot run.
    """
    action = load_action(action_dir)
    runs = action.get("runs") or {}
    if runs.get("using") != "composite":
        raise ActionError("only composite actions can be run here")

    temp.mkdir(parents=True, exist_ok=True)
    workspace = workspace or temp
    machine = {
        **environment,
        "RUNNER_TEMP": str(temp),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": str(action_dir),
    }
    state = _State(env=dict(job_env or {}))
    github = github_context(machine, action_dir)
    runner = runner_context(machine)
    given_inputs = resolve_inputs(action, inputs, {"github": github, "runner": runner})

    for number, step in enumerate(runs.get("steps") or []):
        contexts = {
            "github": github,
            "runner": runner,
            "inputs": given_inputs,
            "env": dict(state.env),
            "steps": state.steps,
        }
        record = _run_step(
            step,
            number,
            contexts=contexts,
            machine=machine,
            temp=temp,
            workspace=workspace,
            state=state,
        )
        if record.id:
            state.steps[record.id] = {
                "outputs": record.outputs,
                "outcome": record.outcome,
                "conclusion": record.outcome,
            }
        state.records.append(record)

    final = {"github": github, "runner": runner, "inputs": given_inputs}
    final |= {"env": dict(state.env), "steps": state.steps}
    outputs = {
        name: expressions.substitute(str((spec or {}).get("value", "")), final)
        for name, spec in (action.get("outputs") or {}).items()
    }
    return ActionRun(
        outcome="failure" if state.failed else "success",
        outputs=outputs,
        steps=state.records,
        log="\n".join(state.log),
        raw="\n".join(state.raw),
        annotations=state.annotations,
        summary="".join(state.summary),
        env={k: v for k, v in state.env.items() if k not in (job_env or {})},
        path=list(state.path),
        masks=list(state.masks),
    )


def github_context(environment: Mapping[str, str], action_dir: Path) -> dict[str, Any]:
    """`github.*` from the GITHUB_* variables and the event file they name."""
    context: dict[str, Any] = {
        name[len("GITHUB_") :].lower(): value
        for name, value in environment.items()
        if name.startswith("GITHUB_")
    }
    context["action_path"] = str(action_dir)
    event_path = environment.get("GITHUB_EVENT_PATH")
    context["event"] = {}
    if event_path and Path(event_path).is_file():
        context["event"] = json.loads(Path(event_path).read_text("utf-8"))
    return context


def runner_context(environment: Mapping[str, str]) -> dict[str, Any]:
    """`runner.*` from the RUNNER_* variables."""
    return {
        name[len("RUNNER_") :].lower(): value
        for name, value in environment.items()
        if name.startswith("RUNNER_")
    }


def resolve_inputs(
    action: Mapping[str, Any],
    given: Mapping[str, str],
    contexts: Mapping[str, Any],
) -> dict[str, str]:
    """The `inputs` context: what the caller gave, else the evaluated default.

    Raises ActionError for an input the action does not declare, which GitHub
    reports as an unexpected input.
    """
    declared = {
        str(k).lower(): v or {} for k, v in (action.get("inputs") or {}).items()
    }
    unknown = sorted(set(k.lower() for k in given) - set(declared))
    if unknown:
        raise ActionError(f"unexpected inputs: {', '.join(unknown)}")
    lowered = {k.lower(): v for k, v in given.items()}
    values: dict[str, str] = {}
    for name, spec in declared.items():
        if name in lowered:
            values[name] = lowered[name]
        else:
            default = spec.get("default", "")
            values[name] = expressions.substitute(
                expressions.to_string(default), contexts
            )
    return values


def _run_step(
    step: Mapping[str, Any],
    number: int,
    *,
    contexts: Mapping[str, Any],
    machine: Mapping[str, str],
    temp: Path,
    workspace: Path,
    state: _State,
) -> StepRun:
    step_id = step.get("id")
    name = str(step.get("name") or step_id or f"step {number + 1}")
    if "uses" in step:
        raise ActionError(f"{name}: `uses:` steps are not supported by this runner")
    if "run" not in step or "shell" not in step:
        raise ActionError(f"{name}: a composite step needs `run` and `shell`")

    status = expressions.Status(state.failed)
    if_text = step.get("if")
    if not expressions.condition(
        "success()" if if_text is None else str(if_text), contexts, status
    ):
        return StepRun(step_id, name, "skipped")

    files = _command_files(temp)
    env = _step_environment(step, contexts, machine, state, files)
    script = expressions.substitute(str(step["run"]), contexts)
    code, output = _execute(
        str(step["shell"]), script, env=env, temp=temp, step=step, workspace=workspace
    )
    _process_output(output, state)
    outputs = _read_file_commands(files, state)
    outcome = "success" if code == 0 else "failure"
    if code != 0:
        state.failed = True
        state.log.append(state.mask(f"Error: Process completed with exit code {code}."))
    return StepRun(step_id, name, outcome, code, outputs)


def _command_files(temp: Path) -> dict[str, Path]:
    folder = temp / "_runner_file_commands"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = uuid.uuid4()
    files = {
        "GITHUB_OUTPUT": folder / f"set_output_{suffix}",
        "GITHUB_ENV": folder / f"set_env_{suffix}",
        "GITHUB_PATH": folder / f"add_path_{suffix}",
        "GITHUB_STEP_SUMMARY": folder / f"step_summary_{suffix}",
    }
    for path in files.values():
        path.write_text("", encoding="utf-8")
    return files


def _step_environment(
    step: Mapping[str, Any],
    contexts: Mapping[str, Any],
    machine: Mapping[str, str],
    state: _State,
    files: Mapping[str, Path],
) -> dict[str, str]:
    step_env = {
        str(k): expressions.substitute(expressions.to_string(v), contexts)
        for k, v in (step.get("env") or {}).items()
    }
    env = {**machine, **state.env, **step_env}
    env |= {name: str(path) for name, path in files.items()}
    if state.path:
        env["PATH"] = os.pathsep.join([*reversed(state.path), env.get("PATH", "")])
    return env


def _execute(
    shell: str,
    script: str,
    *,
    env: Mapping[str, str],
    temp: Path,
    step: Mapping[str, Any],
    workspace: Path,
) -> tuple[int, str]:
    if shell in SHELLS:
        template, extension = SHELLS[shell]
    elif "{0}" in shell:
        template, extension = shell.split(), ""
    else:
        raise ActionError(f"unsupported shell {shell!r}")
    path = temp / f"{uuid.uuid4()}{extension}"
    path.write_text(script, encoding="utf-8")
    argv = [part.replace("{0}", str(path)) for part in template]
    directory = step.get("working-directory")
    completed = subprocess.run(
        argv,
        env=dict(env),
        cwd=str(workspace / str(directory)) if directory else str(workspace),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=STEP_TIMEOUT,
        check=False,
    )
    return completed.returncode, completed.stdout.decode("utf-8", "replace")


def _process_output(output: str, state: _State) -> None:
    stop_token: str | None = None
    for line in output.splitlines():
        state.raw.append(line)
        match = COMMAND.match(line)
        if stop_token is not None:
            if line == f"::{stop_token}::":
                stop_token = None
            state.log.append(state.mask(line))
            continue
        if match:
            stop_token = _command(match, state)
        state.log.append(state.mask(line))


def _command(match: re.Match[str], state: _State) -> str | None:
    name = match.group("name")
    data = unescape(match.group("data"))
    if name == "add-mask":
        for line in data.splitlines():
            if line.strip():
                state.masks.append(line)
    elif name == "stop-commands":
        return data
    elif name in ANNOTATIONS:
        properties = parse_properties(match.group("props") or "")
        masked = {k: state.mask(v) for k, v in properties.items()}
        state.annotations.append(Annotation(name, state.mask(data), masked))
    return None


def unescape(data: str, *, property_value: bool = False) -> str:
    """A workflow command's data (or property value) with its escapes undone."""
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if property_value:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for escaped, plain in pairs:
        data = data.replace(escaped, plain)
    return data.replace("%25", "%")


def parse_properties(text: str) -> dict[str, str]:
    """`key=value,key2=value2` of a workflow command."""
    properties: dict[str, str] = {}
    for part in filter(None, text.split(",")):
        key, _, value = part.partition("=")
        properties[key.strip()] = unescape(value, property_value=True)
    return properties


def _read_file_commands(files: Mapping[str, Path], state: _State) -> dict[str, str]:
    outputs = parse_file_command(files["GITHUB_OUTPUT"])
    state.env.update(parse_file_command(files["GITHUB_ENV"]))
    for line in files["GITHUB_PATH"].read_text("utf-8").splitlines():
        if line.strip():
            state.path.append(line.strip())
    state.summary.append(files["GITHUB_STEP_SUMMARY"].read_text("utf-8"))
    return outputs


def parse_file_command(path: Path) -> dict[str, str]:
    """`NAME=value` and `NAME<<DELIMITER` entries of GITHUB_OUTPUT or GITHUB_ENV.

    Raises ActionError for a malformed entry, as GitHub fails the step then.
    """
    lines = path.read_text("utf-8").splitlines()
    values: dict[str, str] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip():
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = _find(lines, delimiter, index, path)
            values[name] = "\n".join(lines[index:end])
            index = end + 1
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        else:
            raise ActionError(f"{path.name}: invalid line {line!r}")
        if not name:
            raise ActionError(f"{path.name}: an entry has no name")
    return values


def _find(lines: list[str], delimiter: str, start: int, path: Path) -> int:
    for index in range(start, len(lines)):
        if lines[index] == delimiter:
            return index
    raise ActionError(f"{path.name}: delimiter {delimiter!r} never closes")
