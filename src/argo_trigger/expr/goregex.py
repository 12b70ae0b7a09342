"""Go (RE2) regular expressions on top of Python's `re`.

The two engines agree on the common syntax. Where they part, a pattern is
either translated (`$` and `\\z` mean end of text in RE2) or refused with
Go's own parse error, so that a pattern never matches differently here than
it would in Argo.
"""

from __future__ import annotations

import re
from functools import lru_cache

from argo_trigger.expr.error import Fault

MAX_REPEAT = 1000
REPEAT = re.compile(r"\{(\d+)(?:,(\d*))?\}")
PERL_CLASSES = "dDwWsSbB"
PLAIN_ESCAPES = "afnrtv"


def refuse(detail: str) -> Fault:
    return Fault(f"error parsing regexp: {detail}")


@lru_cache(maxsize=512)
def compile_go(pattern: str) -> re.Pattern[str]:
    """A Python pattern that matches as Go's regexp.MustCompile would.

    Raises Fault with Go's message for syntax Go rejects, and for the few
    RE2 features this translation does not carry over.
    """
    translated = translate(pattern)
    try:
        return re.compile(translated, re.ASCII)
    except re.error as error:
        raise refuse(f"{error.msg}: `{pattern}`") from None
    except (RecursionError, OverflowError):
        raise refuse(f"expression too large: `{pattern}`") from None


def translate(pattern: str) -> str:  # noqa: PLR0912 (a scanner over RE2 syntax)
    out: list[str] = []
    multiline = False
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            escape, i = escape_at(pattern, i, in_class)
            out.append(escape)
            continue
        if in_class:
            if char == "[" and pattern.startswith("[:", i):
                raise refuse(f"POSIX class not supported: `{pattern[i : i + 9]}`")
            if char == "]" and not class_start(out):
                in_class = False
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
            if pattern.startswith("^", i + 1):
                out.append("^")
                i += 1
            if pattern.startswith("]", i + 1):
                out.append("\\]")
                i += 1
        elif char == "(":
            multiline = group_open(pattern, i) or multiline
            out.append(char)
        elif char in "*+?" and pattern.startswith(("+", "*", "?"), i + 1):
            follow = pattern[i + 1]
            if follow == "?" or (char == "?" and follow == "?"):
                out.append(char + "?")
                i += 2
                continue
            raise refuse(f"invalid nested repetition operator: `{char}{follow}`")
        elif char == "{":
            check_repeat(pattern, i)
            out.append(char)
        elif char == "$" and not multiline:
            out.append(r"\Z")
        else:
            out.append(char)
        i += 1
    if in_class:
        raise refuse(f"missing closing ]: `{pattern}`")
    return "".join(out)


def class_start(out: list[str]) -> bool:
    return out[-1] == "[" or (out[-1] == "^" and out[-2:-1] == ["["])


def escape_at(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """Translate the escape at `i`; returns it and the index after it."""
    if i + 1 >= len(pattern):
        raise refuse("trailing backslash at end of expression: ``")
    char = pattern[i + 1]
    if char.isdigit() and char != "0":
        raise refuse(f"invalid escape sequence: `\\{char}`")
    if char == "z" and not in_class:
        return r"\Z", i + 2
    if char in "pPQEC" or (char == "x" and pattern.startswith("{", i + 2)):
        raise refuse(f"invalid or unsupported escape: `\\{char}`")
    if char == "0":
        return "\\x00", i + 2
    if char.isalnum() and char not in PERL_CLASSES + PLAIN_ESCAPES + "xAz":
        raise refuse(f"invalid escape sequence: `\\{char}`")
    if in_class and char in "bB":
        raise refuse(f"invalid escape sequence: `\\{char}`")
    return pattern[i : i + 2], i + 2


def group_open(pattern: str, i: int) -> bool:
    """Refuse group syntax RE2 lacks; True when the group turns on (?m)."""
    rest = pattern[i + 1 :]
    if not rest.startswith("?"):
        return False
    for prefix in ("?=", "?!", "?<=", "?<!", "?>", "?(", "?P=", "?#"):
        if rest.startswith(prefix):
            raise refuse(f"invalid or unsupported Perl syntax: `({prefix}`")
    if rest.startswith(("?P<", "?<")) or rest.startswith("?:"):
        if rest.startswith("?<"):
            raise refuse("invalid or unsupported Perl syntax: `(?<`")
        return False
    flags = re.match(r"\?([a-zA-Z-]*)[:)]", rest)
    if flags is None or set(flags.group(1)) - set("imsU-"):
        raise refuse(f"invalid or unsupported Perl syntax: `({rest[:2]}`")
    if "U" in flags.group(1):
        raise refuse("invalid or unsupported Perl syntax: `(?U`")
    on = flags.group(1).split("-")[0]
    return "m" in on


def check_repeat(pattern: str, i: int) -> None:
    match = REPEAT.match(pattern, i)
    if match is None:
        return
    low = int(match.group(1))
    high = match.group(2)
    if low > MAX_REPEAT or (high and int(high) > MAX_REPEAT):
        raise refuse(f"invalid repeat count: `{match.group(0)}`")
    if high and int(high) < low:
        raise refuse(f"invalid repeat count: `{match.group(0)}`")


def matches(text: str, pattern: str) -> bool:
    """regexp.MatchString: does the pattern match anywhere in the text."""
    return compile_go(pattern).search(text) is not None
