"""The GitLab files agree with each other and with their documentation."""

from __future__ import annotations

import re
from typing import Any

import yaml

from .conftest import CHECKOUT, TEMPLATE_FILE

COMPONENT_FILE = CHECKOUT / "templates" / "argo-trigger.yml"
DOCS = CHECKOUT / "docs" / "gitlab-ci.md"


def spec_inputs() -> dict[str, dict[str, Any]]:
    spec, _job = yaml.safe_load_all(COMPONENT_FILE.read_text())
    inputs: dict[str, dict[str, Any]] = spec["spec"]["inputs"]
    return inputs


def documented_inputs() -> dict[str, str]:
    """The `### Inputs` table of the docs: input name to its default cell."""
    section = DOCS.read_text().split("### Inputs", 1)[1]
    rows = re.findall(r"^\| `([a-z-]+)` \| ([^|]+) \|", section, re.MULTILINE)
    return {name: default.strip() for name, default in rows}


def default_cell(definition: dict[str, Any]) -> str:
    if "default" not in definition:
        return "(required)"
    return "`" + (definition["default"] or '""') + "`"


def test_every_input_has_a_description_and_only_the_server_is_required() -> None:
    inputs = spec_inputs()

    assert all(d.get("description") for d in inputs.values())
    assert [name for name, d in inputs.items() if "default" not in d] == ["argo-server"]


def test_the_docs_table_lists_every_input_with_its_default() -> None:
    expected = {name: default_cell(d) for name, d in spec_inputs().items()}

    assert documented_inputs() == expected


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

    assert {"namespace", "timeout", "token-variable", "ca-cert"} <= set(patterned)
    for name, definition in patterned.items():
        pattern, default = definition["regex"], definition["default"]
        assert re.search(pattern, default), f"{name}: {default!r} !~ {pattern}"
