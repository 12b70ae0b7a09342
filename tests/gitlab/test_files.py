"""The GitLab files agree with each other and with their documentation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from argo_trigger.commands.wait import ON_ABORT

from .conftest import CHECKOUT, TEMPLATE_FILE

COMPONENT_FILE = CHECKOUT / "templates" / "argo-trigger.yml"
DOCS = CHECKOUT / "docs" / "gitlab-ci.md"


def spec_inputs() -> dict[str, dict[str, Any]]:
    spec, _job = yaml.safe_load_all(COMPONENT_FILE.read_text())
    inputs: dict[str, dict[str, Any]] = spec["spec"]["inputs"]
    return inputs


README = CHECKOUT / "README.md"


def documented_inputs(path: Path = DOCS, heading: str = "### Inputs") -> dict[str, str]:
    """The inputs table after `heading`: input name to its default cell."""
    section = path.read_text().split(heading, 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \| ([^|]+) \|", section, re.MULTILINE)
    return {name: default.strip() for name, default in rows}


def default_cell(definition: dict[str, Any]) -> str:
    if "default" not in definition:
        return "(required)"
    default = definition["default"]
    if isinstance(default, bool):
        return "`" + str(default).lower() + "`"
    return "`" + (default or '""') + "`"


def documented_variables() -> dict[str, str]:
    """The classic template's table: variable to the input it matches."""
    section = DOCS.read_text().split("## The classic template", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([A-Z_]+)` \| `([a-z-]+)`", section, re.MULTILINE)
    return dict(rows)


def test_every_input_has_a_description_and_only_the_server_is_required() -> None:
    inputs = spec_inputs()

    assert all(d.get("description") for d in inputs.values())
    assert [name for name, d in inputs.items() if "default" not in d] == ["argo-server"]


def test_the_docs_table_lists_every_input_with_its_default() -> None:
    expected = {name: default_cell(d) for name, d in spec_inputs().items()}

    assert documented_inputs() == expected


def test_the_readme_table_lists_every_input_with_its_default() -> None:
    expected = {name: default_cell(d) for name, d in spec_inputs().items()}

    assert documented_inputs(README, "## GitLab CI") == expected


def test_the_component_interpolates_every_input_it_declares() -> None:
    text = COMPONENT_FILE.read_text().split("\n---\n", 1)[1]
    used = set(re.findall(r"\$\[\[ inputs\.([a-z-]+) \]\]", text))

    assert used == set(spec_inputs())


def test_the_component_and_the_classic_template_run_the_same_script() -> None:
    _spec, component = yaml.safe_load_all(COMPONENT_FILE.read_text())
    template = yaml.safe_load((CHECKOUT / TEMPLATE_FILE).read_text())

    component_job = component["$[[ inputs.job-name ]]"]
    assert component_job["script"] == template[".argo-trigger"]["script"]
    assert component_job["artifacts"] == template[".argo-trigger"]["artifacts"]


def test_the_install_default_pins_this_release_everywhere() -> None:
    pyproject = (CHECKOUT / "pyproject.toml").read_text()
    version = re.search(r'^version = "([^"]+)"', pyproject, re.MULTILINE)
    assert version is not None
    pinned = spec_inputs()["install"]["default"]
    template = (CHECKOUT / TEMPLATE_FILE).read_text()

    assert pinned == f"argo-trigger=={version[1]}"
    assert f"${{ARGO_TRIGGER_INSTALL-{pinned}}}" in template
    assert f"`{pinned}`" in DOCS.read_text()


def test_every_default_matches_its_own_pattern() -> None:
    patterned = {n: d for n, d in spec_inputs().items() if "regex" in d}

    assert {
        "namespace",
        "timeout",
        "discover-timeout",
        "request-timeout",
        "token-variable",
        "gitlab-token-variable",
        "ca-cert",
    } <= set(patterned)
    for name, definition in patterned.items():
        pattern, default = definition["regex"], definition["default"]
        assert re.search(pattern, default), f"{name}: {default!r} !~ {pattern}"


def test_the_empty_duration_means_no_limit_and_others_need_a_unit_or_number() -> None:
    pattern = spec_inputs()["timeout"]["regex"]

    for accepted in ("", "90", "30s", "1.5m", "2h"):
        assert re.search(pattern, accepted), accepted
    for refused in ("soon", "5 m", "-1s", "1d"):
        assert not re.search(pattern, refused), refused


def test_on_abort_offers_exactly_the_choices_argo_trigger_takes() -> None:
    on_abort = spec_inputs()["on-abort"]

    assert on_abort["options"] == list(ON_ABORT)
    assert on_abort["default"] == "leave"


def test_the_switches_are_boolean_inputs_that_default_to_off() -> None:
    switches = {n: d for n, d in spec_inputs().items() if d.get("type") == "boolean"}

    assert set(switches) == {"wait", "log", "gitlab-mr-note"}
    assert all(d["default"] is False for d in switches.values())


def test_the_classic_template_table_names_the_variable_of_every_input() -> None:
    _spec, job = yaml.safe_load_all(COMPONENT_FILE.read_text())
    variables = job["$[[ inputs.job-name ]]"]["variables"]
    sets = {
        name: re.fullmatch(r"\$\[\[ inputs\.([a-z-]+) \]\]", value)
        for name, value in variables.items()
    }
    expected = {name: found[1] for name, found in sets.items() if found}

    assert documented_variables() == expected
