"""Turns expression text into tokens, following expr's lexer rule by rule."""

from __future__ import annotations

from dataclasses import dataclass

from argo_trigger.expr.error import ExprError, located

IDENT = "Identifier"
NUMBER = "Number"
STRING = "String"
OPERATOR = "Operator"
BRACKET = "Bracket"
EOF = "EOF"

WORD_OPERATORS = frozenset(
    {"in", "or", "and", "matches", "contains", "startsWith", "endsWith", "let"}
    | {"if", "else"}
)
NEGATABLE = frozenset({"in", "matches", "contains", "startsWith", "endsWith"})
SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "`": "`",
    "?": "?",
}
HEX_WIDTH = {"x": 2, "X": 2, "u": 4, "U": 8}
MAX_RUNE = 0x10FFFF


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    value: str
    offset: int

    def describe(self) -> str:
        """The token as expr names it in "unexpected token" errors."""
        if self.value == "":
            return self.kind
        return f"{self.kind}({go_quote(self.value)})"


def go_quote(text: str) -> str:
    """A string in double quotes with Go's %#v escaping of the common cases."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def is_alpha(char: str) -> bool:
    return char in {"_", "$"} or char.isalpha()


def is_alnum(char: str) -> bool:
    return is_alpha(char) or (char.isdigit() and char.isdecimal())


class Lexer:
    """A single-use scanner over one source text."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.start = 0
        self.pos = 0
        self.tokens: list[Token] = []

    def fail(self, message: str, offset: int | None = None) -> ExprError:
        where = self.pos - 1 if offset is None else offset
        return located(message, self.src, max(where, 0))

    def peek(self) -> str:
        return self.src[self.pos] if self.pos < len(self.src) else ""

    def advance(self) -> str:
        char = self.peek()
        if char:
            self.pos += 1
        return char

    def accept(self, valid: str) -> bool:
        char = self.peek()
        if char and char in valid:
            self.pos += 1
            return True
        return False

    def accept_run(self, valid: str) -> None:
        while self.accept(valid):
            pass

    def emit(self, kind: str, value: str | None = None) -> None:
        text = self.src[self.start : self.pos] if value is None else value
        self.tokens.append(Token(kind, text, self.start))
        self.start = self.pos

    def run(self) -> list[Token]:
        """Scan the whole source; raises ExprError on the first bad character."""
        while True:
            self.start = self.pos
            char = self.advance()
            if char == "":
                self.tokens.append(Token(EOF, "", max(self.pos - 1, 0)))
                return self.tokens
            self.root(char)

    def root(self, char: str) -> None:  # noqa: PLR0912 (a dispatch over expr lexer states)
        if char.isspace():
            return
        if char in "'\"":
            self.emit(STRING, self.quoted(char))
        elif char == "`":
            self.emit(STRING, self.raw_string())
        elif "0" <= char <= "9":
            self.pos -= 1
            self.number()
        elif char == "?":
            self.accept(".?")
            self.emit(OPERATOR)
        elif char == "/":
            self.slash()
        elif char == "#":
            self.pointer()
        elif char in "|:":
            self.accept(char)
            self.emit(OPERATOR)
        elif char in "([{)]}":
            self.emit(BRACKET)
        elif char in ",;%+-^":
            self.emit(OPERATOR)
        elif char in "&!=*<>":
            self.accept("&=*")
            self.emit(OPERATOR)
        elif char == ".":
            self.dot()
        elif is_alnum(char):
            self.identifier()
        else:
            raise self.fail(f"unrecognized character: {unicode_name(char)}")

    def number(self) -> None:
        digits = "0123456789_"
        if self.accept("0"):
            if self.accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self.accept("oO"):
                digits = "01234567_"
            elif self.accept("bB"):
                digits = "01_"
        self.accept_run(digits)
        end = self.pos
        if self.accept("."):
            if self.peek() == ".":
                self.pos = end
                self.emit(NUMBER)
                return
            self.accept_run(digits)
        if self.accept("eE"):
            self.accept("+-")
            self.accept_run(digits)
        if self.peek() and is_alnum(self.peek()):
            self.advance()
            word = self.src[self.start : self.pos]
            raise self.fail(f"bad number syntax: {go_quote(word)}")
        self.emit(NUMBER)

    def dot(self) -> None:
        if self.peek() and self.peek() in "0123456789":
            self.pos -= 1
            self.number()
            return
        self.accept(".")
        self.emit(OPERATOR)

    def identifier(self) -> None:
        while self.peek() and is_alnum(self.peek()):
            self.pos += 1
        word = self.src[self.start : self.pos]
        if word == "not":
            self.not_operator()
        elif word in WORD_OPERATORS:
            self.emit(OPERATOR)
        else:
            self.emit(IDENT)

    def not_operator(self) -> None:
        self.emit(OPERATOR)
        self.accept_run(" ")
        self.start = self.pos
        end = self.pos
        while self.peek() and is_alnum(self.peek()):
            self.pos += 1
        if self.src[self.start : self.pos] in NEGATABLE:
            self.emit(OPERATOR)
        else:
            self.pos = end

    def slash(self) -> None:
        if self.accept("/"):
            newline = self.src.find("\n", self.pos)
            self.pos = len(self.src) if newline < 0 else newline + 1
        elif self.accept("*"):
            close = self.src.find("*/", self.pos)
            if close < 0:
                self.pos = len(self.src)
                raise self.fail("unclosed comment", len(self.src))
            self.pos = close + 2
        else:
            self.emit(OPERATOR)

    def pointer(self) -> None:
        self.accept("#")
        self.emit(OPERATOR)
        while self.peek() and is_alnum(self.peek()):
            self.pos += 1
        if self.pos > self.start:
            self.emit(IDENT)

    def quoted(self, quote: str) -> str:
        """Scan and decode a single- or double-quoted string."""
        out: list[str] = []
        while True:
            char = self.advance()
            if char == quote:
                return "".join(out)
            if char in ("", "\n"):
                raise self.fail("literal not terminated", self.pos)
            if char == "\\":
                out.append(self.escape(quote))
            elif char == "\r":
                if self.peek() == "\n":
                    self.pos += 1
                out.append("\n")
            else:
                out.append(char)

    def escape(self, quote: str) -> str:
        char = self.advance()
        if char in SIMPLE_ESCAPES and (char not in "`?" or char == quote):
            return SIMPLE_ESCAPES[char]
        if char in "01234567" and char:
            digits = char + self.take_digits(8, 2)
            value = int(digits, 8)
            if value > 255:
                raise self.fail("invalid char escape")
            return chr(value)
        if char == "u" and self.peek() == "{":
            return self.braced_escape()
        if char in HEX_WIDTH and char:
            value = int(self.take_digits(16, HEX_WIDTH[char]), 16)
            if char in "uU" and (value > MAX_RUNE or 0xD800 <= value < 0xE000):
                raise self.fail("invalid char escape")
            return chr(value)
        raise self.fail("invalid char escape")

    def take_digits(self, base: int, count: int) -> str:
        valid = "01234567" if base == 8 else "0123456789abcdefABCDEF"
        start = self.pos
        for _ in range(count):
            if not self.accept(valid):
                self.advance()
                raise self.fail("invalid char escape")
        return self.src[start : self.pos]

    def braced_escape(self) -> str:
        self.pos += 1
        start = self.pos
        while self.peek() and self.peek() in "0123456789abcdefABCDEF":
            self.pos += 1
        digits = self.src[start : self.pos]
        if not digits or len(digits) > 6 or self.peek() != "}":
            raise self.fail("invalid char escape", self.pos)
        self.pos += 1
        value = int(digits, 16)
        if value > MAX_RUNE or 0xD800 <= value < 0xE000:
            raise self.fail("unable to unescape string")
        return chr(value)

    def raw_string(self) -> str:
        """Scan a back-quoted string, where a doubled back quote stands for one."""
        out: list[str] = []
        while True:
            char = self.advance()
            if char == "":
                raise self.fail("literal not terminated", self.pos)
            if char == "`":
                if self.peek() == "`":
                    self.pos += 1
                    out.append("`")
                    continue
                return "".join(out)
            out.append(char)


def unicode_name(char: str) -> str:
    """Go's %#U rendering of a character: U+0040 '@'."""
    code = ord(char)
    if char.isprintable():
        return f"U+{code:04X} '{char}'"
    return f"U+{code:04X}"


def tokenize(source: str) -> list[Token]:
    """The tokens of `source`, ending with an EOF token."""
    return Lexer(source).run()
