"""User params from NAME=VALUE flags and from YAML or JSON files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from argo_trigger.errors import UsageError
from argo_trigger.params import load_params_file, parse_pairs


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def usage_error(path: str) -> str:
    with pytest.raises(UsageError) as raised:
        load_params_file(path)
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_pairs_split_at_the_first_equals_sign() -> None:
    pairs = ["image=registry.example.com/w:1", "query=a=b", "empty="]

    assert parse_pairs(pairs, flag="--param") == {
        "image": "registry.example.com/w:1",
        "query": "a=b",
        "empty": "",
    }


def test_later_pair_overrides_earlier_one() -> None:
    assert parse_pairs(["a=1", "a=2"], flag="--param") == {"a": "2"}


def test_no_pairs_give_no_params() -> None:
    assert parse_pairs([], flag="--param") == {}


def test_pair_without_equals_sign_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as raised:
        parse_pairs(["a=1", "x"], flag="--param")

    assert str(raised.value) == "--param 'x': expected NAME=VALUE"


def test_error_names_the_flag_given() -> None:
    with pytest.raises(UsageError) as raised:
        parse_pairs(["x"], flag="--label")

    assert str(raised.value) == "--label 'x': expected NAME=VALUE"


def test_pair_without_name_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as raised:
        parse_pairs(["=v"], flag="--param")

    assert str(raised.value) == "--param '=v': the name before '=' is empty"


def test_long_pair_is_shortened_in_the_error() -> None:
    with pytest.raises(UsageError) as raised:
        parse_pairs(["x" * 200], flag="--param")

    assert str(raised.value) == f"--param '{'x' * 57}...': expected NAME=VALUE"


def test_yaml_scalars_keep_the_text_the_user_wrote(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "params.yaml",
        "# deploy settings\n"
        "enabled: true\n"
        "replicas: 3\n"
        "version: 1.10\n"
        "octal: 0o17\n"
        "quoted: '007'\n"
        'double: "a\\tb"\n'
        "date: 2026-12-03\n"
        "empty: ''\n"
        "folded: >-\n  one\n  two\n"
        "2: two\n",
    )

    assert load_params_file(path) == {
        "enabled": "true",
        "replicas": "3",
        "version": "1.10",
        "octal": "0o17",
        "quoted": "007",
        "double": "a\tb",
        "date": "2026-12-03",
        "empty": "",
        "folded": "one two",
        "2": "two",
    }


def test_yaml_anchors_are_resolved(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yml", "a: &tag v1\nb: *tag\n")

    assert load_params_file(path) == {"a": "v1", "b": "v1"}


def test_yaml_flow_mapping_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", '{"a": 1, "b": false}\n')

    assert load_params_file(path) == {"a": "1", "b": "false"}


def test_json_scalars_become_strings(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "params.json",
        '{"enabled": true, "off": false, "replicas": 3, "version": 1.10,'
        ' "big": 1e3, "name": "w\\u00e9", "empty": ""}',
    )

    assert load_params_file(path) == {
        "enabled": "true",
        "off": "false",
        "replicas": "3",
        "version": "1.10",
        "big": "1e3",
        "name": "wé",
        "empty": "",
    }


def test_dash_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("image: w:2\n"))

    assert load_params_file("-") == {"image": "w:2"}


def test_empty_standard_input_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    assert usage_error("-") == (
        "params from standard input: empty, expected a mapping of names to values"
    )


def test_missing_file(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.yaml")

    assert usage_error(path) == f"params file {path}: no such file"


def test_directory(tmp_path: Path) -> None:
    assert usage_error(str(tmp_path)) == (
        f"params file {tmp_path}: is a directory, not a file"
    )


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(b"a: \xff\xfe\n")

    assert usage_error(str(path)) == f"params file {path}: not UTF-8 text"


def test_bad_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "a: 1\nb: [2\n")

    assert usage_error(path) == (
        f"params file {path}: not valid YAML: expected ',' or ']', but got"
        " '<stream end>' (line 3, column 1)"
    )


def test_several_yaml_documents(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "a: 1\n---\nb: 2\n")

    assert usage_error(path) == (
        f"params file {path}: not valid YAML: expected a single document in the"
        " stream, but found another document (line 2, column 1)"
    )


def test_bad_json(tmp_path: Path) -> None:
    path = write(tmp_path, "p.json", '{"a": 1,}')

    assert usage_error(path) == (
        f"params file {path}: not valid JSON: Expecting property name enclosed"
        " in double quotes (line 1, column 9)"
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [("p.yaml", "- a\n- b\n"), ("p.yaml", "just text\n"), ("p.json", "[1]")],
)
def test_top_level_that_is_not_a_mapping(tmp_path: Path, name: str, text: str) -> None:
    path = write(tmp_path, name, text)

    assert usage_error(path) == (
        f"params file {path}: expected a mapping of names to values"
    )


@pytest.mark.parametrize("text", ["", "# only a comment\n"])
def test_empty_yaml_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "p.yaml", text)

    assert usage_error(path) == (
        f"params file {path}: empty, expected a mapping of names to values"
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("p.yaml", "a:\n  b: 1\n"),
        ("p.yaml", "a: [1, 2]\n"),
        ("p.json", '{"a": {"b": 1}}'),
        ("p.json", '{"a": []}'),
    ],
)
def test_nested_value(tmp_path: Path, name: str, text: str) -> None:
    path = write(tmp_path, name, text)

    assert usage_error(path) == (
        f"params file {path}: 'a' must be a string, number or boolean,"
        " not a list or mapping"
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [("p.yaml", "a:\n"), ("p.yaml", "a: ~\n"), ("p.json", '{"a": null}')],
)
def test_null_value(tmp_path: Path, name: str, text: str) -> None:
    path = write(tmp_path, name, text)

    assert usage_error(path) == (
        f"params file {path}: 'a' has no value; write '' for an empty string"
    )


@pytest.mark.parametrize(
    ("name", "text"), [("p.yaml", "a: 1\na: 2\n"), ("p.json", '{"a": 1, "a": 2}')]
)
def test_repeated_name(tmp_path: Path, name: str, text: str) -> None:
    path = write(tmp_path, name, text)

    assert usage_error(path) == f"params file {path}: 'a' is given more than once"


@pytest.mark.parametrize(
    ("name", "text"), [("p.yaml", "'': 1\n"), ("p.json", '{"": 1}')]
)
def test_empty_name(tmp_path: Path, name: str, text: str) -> None:
    path = write(tmp_path, name, text)

    assert usage_error(path) == f"params file {path}: a name is empty"


@pytest.mark.parametrize("text", ["~: 1\n", "[a]: 1\n", "? {a: 1}\n: 2\n"])
def test_name_that_is_not_a_string(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "p.yaml", text)

    assert usage_error(path) == (
        f"params file {path}: every name must be a plain string"
    )
