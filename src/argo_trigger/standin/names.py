"""Kubernetes and Argo naming: generated names, validation, labels, selectors."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .errors import INVALID_ARGUMENT, ApiError, invalid

# Kubernetes completes `generateName` from an alphabet without vowels (no
# words by accident) and without the look-alikes 0, 1 and 3.
KUBERNETES_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
# Argo names the workflows an event creates itself, from a plainer alphabet.
ARGO_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
SUFFIX_LENGTH = 5
MAX_NAME_LENGTH = 253
MAX_GENERATED_BASE = 63 - SUFFIX_LENGTH

_SUBDOMAIN = re.compile(
    r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
)
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_SELECTOR_TOKEN = re.compile(r"\s*(==|!=|=|\(|\)|,|!|<|>|[^\s=!(),<>]+)")

_SUBDOMAIN_HINT = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
    "characters, '-' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'example.com', regex used for validation is "
    f"'{_SUBDOMAIN.pattern}')"
)
_LABEL_VALUE_HINT = (
    "a valid label must be an empty string or consist of alphanumeric "
    "characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
    f"validation is '{_LABEL_VALUE.pattern}')"
)


def random_suffix(alphabet: str = KUBERNETES_ALPHABET) -> str:
    """Five random characters from `alphabet`."""
    return "".join(secrets.choice(alphabet) for _ in range(SUFFIX_LENGTH))


def generated_name(generate_name: str) -> str:
    """The name Kubernetes gives an object created with `generateName`.

    Kubernetes shortens the prefix so that the result fits 63 characters.
    """
    return generate_name[:MAX_GENERATED_BASE] + random_suffix()


def dns_friendly(text: str) -> str:
    """A label value made from free text, as Argo makes its creator labels."""
    value = re.sub(r"[^-_.a-zA-Z0-9]", "-", text)[-63:]
    value = re.sub(r"^[^a-zA-Z0-9]*", "", value)
    return re.sub(r"[^a-zA-Z0-9]*$", "", value)


def validate_object(kind: str, metadata: Mapping[str, object]) -> None:
    """Check a new object's name and labels as the Kubernetes API does.

    Raises ApiError (400, Kubernetes' "is invalid" message) on a bad name,
    a missing name and generateName, or a bad label value.
    """
    name = str(metadata.get("name") or "")
    if not name and not metadata.get("generateName"):
        raise invalid(
            kind, "", "metadata.name: Required value: name or generateName is required"
        )

    if name and (len(name) > MAX_NAME_LENGTH or not _SUBDOMAIN.fullmatch(name)):
        raise invalid(
            kind, name, f'metadata.name: Invalid value: "{name}": {_SUBDOMAIN_HINT}'
        )

    labels = metadata.get("labels") or {}
    assert isinstance(labels, Mapping)
    for value in labels.values():
        text = str(value)
        if len(text) > 63:
            hint = "must be no more than 63 characters"
        elif not _LABEL_VALUE.fullmatch(text):
            hint = _LABEL_VALUE_HINT
        else:
            continue
        raise invalid(kind, name, f'metadata.labels: Invalid value: "{text}": {hint}')


def parse_key_values(spec: str) -> dict[str, str]:
    """Parse `k=v,k2=v2` as the argo CLI and server parse submit labels.

    Raises ValueError with Argo's wording when a pair is malformed.
    """
    if not spec:
        raise ValueError("no label spec passed")

    pairs: dict[str, str] = {}
    for item in spec.split(","):
        parts = item.split("=")
        if len(parts) != 2:
            raise ValueError(f"unexpected label spec: {item}")
        if not parts[0]:
            raise ValueError("unexpected empty label key")
        pairs[parts[0]] = parts[1]
    return pairs


Labels = Mapping[str, str]
Requirement = Callable[[Labels], bool]


@dataclass(frozen=True)
class Selector:
    """A parsed Kubernetes label selector: every requirement must hold."""

    text: str
    requirements: tuple[Requirement, ...]

    def matches(self, labels: Labels) -> bool:
        """Whether an object with these labels is selected."""
        return all(requirement(labels) for requirement in self.requirements)


def parse_selector(text: str) -> Selector:
    """Parse `a=b,c!=d,e in (f,g),h notin (i),j,!k,l>3`.

    Raises ApiError (400) when the selector cannot be parsed.
    """
    tokens = _tokenize(text)
    requirements: list[Requirement] = []
    while tokens:
        requirements.append(_requirement(tokens))
        if tokens:
            _expect(tokens, ",")
    return Selector(text, tuple(requirements))


def _tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    while position < len(text):
        match = _SELECTOR_TOKEN.match(text, position)
        if match is None:
            break
        tokens.append(match.group(1))
        position = match.end()
    return tokens


def _selector_error(detail: str) -> ApiError:
    return ApiError(INVALID_ARGUMENT, f"unable to parse requirement: {detail}")


def _expect(tokens: list[str], wanted: str) -> None:
    found = tokens.pop(0) if tokens else ""
    if found != wanted:
        raise _selector_error(f"found '{found}', expected: '{wanted}'")


def _key(tokens: list[str]) -> str:
    key = tokens.pop(0) if tokens else ""
    if not re.fullmatch(r"[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?", key):
        raise _selector_error(f"invalid label key: '{key}'")
    return key


def _requirement(tokens: list[str]) -> Requirement:
    if tokens[0] == "!":
        tokens.pop(0)
        absent = _key(tokens)
        return lambda labels: absent not in labels

    key = _key(tokens)
    operator = tokens.pop(0) if tokens else ","
    if operator == ",":
        tokens.insert(0, ",")
        return lambda labels: key in labels
    if operator in ("=", "==", "!="):
        return _equality(key, operator, tokens)
    if operator in ("in", "notin"):
        return _set_membership(key, operator, tokens)
    if operator in ("<", ">"):
        return _comparison(key, operator, tokens)
    raise _selector_error(f"found '{operator}', expected: in, notin, =, ==, !=, gt, lt")


def _value(tokens: list[str]) -> str:
    if tokens and tokens[0] not in (",", "(", ")"):
        return tokens.pop(0)
    return ""


def _equality(key: str, operator: str, tokens: list[str]) -> Requirement:
    value = _value(tokens)
    if operator == "!=":
        return lambda labels: labels.get(key) != value
    return lambda labels: labels.get(key) == value


def _set_membership(key: str, operator: str, tokens: list[str]) -> Requirement:
    _expect(tokens, "(")
    values = {_value(tokens)}
    while tokens and tokens[0] == ",":
        tokens.pop(0)
        values.add(_value(tokens))
    _expect(tokens, ")")
    if operator == "notin":
        return lambda labels: labels.get(key) not in values
    return lambda labels: labels.get(key) in values


def _comparison(key: str, operator: str, tokens: list[str]) -> Requirement:
    text = _value(tokens)
    if not re.fullmatch(r"-?\d+", text):
        raise _selector_error(
            f"for '{operator}' operator, the value must be an integer"
        )
    bound = int(text)

    def compare(labels: Labels) -> bool:
        value = labels.get(key, "")
        if not re.fullmatch(r"-?\d+", value):
            return False
        return int(value) > bound if operator == ">" else int(value) < bound

    return compare
