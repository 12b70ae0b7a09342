"""Builds the syntax tree from tokens with expr's precedence and quirks."""

from __future__ import annotations

from argo_trigger.expr import nodes as n
from argo_trigger.expr.error import ExprError, located
from argo_trigger.expr.lexer import (
    BRACKET,
    EOF,
    IDENT,
    NEGATABLE,
    NUMBER,
    OPERATOR,
    STRING,
    Token,
    tokenize,
)

MAX_NODES = 10_000
MAX_DEPTH = 300
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1

UNARY = {"not": 50, "!": 50, "-": 90, "+": 90}
BINARY = {
    "|": 0,
    "or": 10,
    "||": 10,
    "and": 15,
    "&&": 15,
    "==": 20,
    "!=": 20,
    "<": 20,
    ">": 20,
    ">=": 20,
    "<=": 20,
    "in": 20,
    "matches": 20,
    "contains": 20,
    "startsWith": 20,
    "endsWith": 20,
    "..": 25,
    "+": 30,
    "-": 30,
    "*": 60,
    "/": 60,
    "%": 60,
    "**": 100,
    "^": 100,
    "??": 500,
}
RIGHT_ASSOCIATIVE = frozenset({"**", "^"})
COMPARISONS = frozenset({"<", ">", ">=", "<="})

EXPR, PRED, OPTIONAL = 1, 2, 4
PREDICATES: dict[str, tuple[int, ...]] = {
    "all": (EXPR, PRED),
    "none": (EXPR, PRED),
    "any": (EXPR, PRED),
    "one": (EXPR, PRED),
    "filter": (EXPR, PRED),
    "map": (EXPR, PRED),
    "count": (EXPR, PRED | OPTIONAL),
    "sum": (EXPR, PRED | OPTIONAL),
    "find": (EXPR, PRED),
    "findIndex": (EXPR, PRED),
    "findLast": (EXPR, PRED),
    "findLastIndex": (EXPR, PRED),
    "groupBy": (EXPR, PRED),
    "sortBy": (EXPR, PRED, EXPR | OPTIONAL),
    "reduce": (EXPR, PRED, EXPR | OPTIONAL),
}
BUILTIN_NAMES = frozenset(
    [
        "len",
        "type",
        "abs",
        "ceil",
        "floor",
        "round",
        "int",
        "float",
        "string",
        "trim",
        "trimPrefix",
        "trimSuffix",
        "upper",
        "lower",
        "split",
        "splitAfter",
        "replace",
        "repeat",
        "join",
        "indexOf",
        "lastIndexOf",
        "hasPrefix",
        "hasSuffix",
        "max",
        "min",
        "mean",
        "median",
        "toJSON",
        "fromJSON",
        "toBase64",
        "fromBase64",
        "now",
        "duration",
        "date",
        "timezone",
        "first",
        "last",
        "get",
        "take",
        "keys",
        "values",
        "toPairs",
        "fromPairs",
        "reverse",
        "uniq",
        "concat",
        "flatten",
        "sort",
        "bitand",
        "bitor",
        "bitxor",
        "bitnand",
        "bitshl",
        "bitshr",
        "bitushr",
        "bitnot",
    ]
) | frozenset(PREDICATES)


class Parser:
    """A single-use recursive-descent parser over one token list."""

    def __init__(self, source: str, overridden: frozenset[str]) -> None:
        self.src = source
        self.tokens = tokenize(source)
        self.index = 0
        self.current = self.tokens[0]
        self.stash: Token | None = None
        self.depth = 0
        self.nesting = 0
        self.count = 0
        self.overridden = overridden

    def fail(self, message: str, token: Token | None = None) -> ExprError:
        where = self.current if token is None else token
        return located(message, self.src, where.offset)

    def unexpected(self, token: Token | None = None) -> ExprError:
        where = self.current if token is None else token
        return self.fail(f"unexpected token {where.describe()}", where)

    def advance(self) -> None:
        if self.stash is not None:
            self.current, self.stash = self.stash, None
            return
        if self.current.kind == EOF:
            raise self.fail("unexpected end of expression")
        self.index += 1
        self.current = self.tokens[self.index]

    def at(self, kind: str, *values: str) -> bool:
        token = self.current
        return token.kind == kind and (not values or token.value in values)

    def expect(self, kind: str, *values: str) -> None:
        if not self.at(kind, *values):
            raise self.unexpected()
        self.advance()

    def node(self, node: n.Node) -> n.Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise ExprError(
                "compilation failed: expression exceeds maximum allowed nodes"
            )
        return node

    def parse(self) -> n.Node:
        """The tree of the whole source; raises ExprError on a syntax error."""
        tree = self.sequence()
        if not self.at(EOF):
            raise self.unexpected()
        return tree

    def sequence(self) -> n.Node:
        items = [self.expression(0)]
        while self.at(OPERATOR, ";"):
            self.advance()
            if self.at(EOF):
                break
            items.append(self.expression(0))
        if len(items) == 1:
            return items[0]
        return self.node(n.Sequence(items[0].offset, items))

    def expression(self, precedence: int) -> n.Node:
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise self.fail("expression is nested too deeply")
        try:
            return self.binary_expression(precedence)
        finally:
            self.nesting -= 1

    # PLR0912: expr's operator loop, kept whole.
    def binary_expression(self, precedence: int) -> n.Node:  # noqa: PLR0912
        if precedence == 0 and self.at(OPERATOR, "let"):
            return self.let()
        if precedence == 0 and self.at(OPERATOR, "if"):
            return self.if_else()
        left = self.primary()
        previous = ""
        op_token = self.current
        while op_token.kind == OPERATOR:
            negate = op_token.value == "not"
            if negate:
                backup = self.current
                self.advance()
                if self.current.value not in NEGATABLE:
                    raise self.unexpected()
                if BINARY[self.current.value] < precedence:
                    self.stash, self.current = self.current, backup
                    break
                op_token = self.current
            op = op_token.value
            if op not in BINARY or BINARY[op] < precedence:
                break
            self.advance()
            if op == "|":
                name = self.current
                self.expect(IDENT)
                left = self.call(name, [left])
            elif previous == "??" and op != "??":
                raise self.fail(
                    f"Operator ({op}) and coalesce expressions (??) cannot be "
                    "mixed. Wrap either by parentheses.",
                    op_token,
                )
            elif op in COMPARISONS:
                left = self.comparison(left, op_token, BINARY[op])
            else:
                step = 0 if op in RIGHT_ASSOCIATIVE else 1
                right = self.expression(BINARY[op] + step)
                left = self.node(n.Binary(op_token.offset, op, left, right))
                if negate:
                    left = self.node(n.Unary(op_token.offset, "not", left))
            previous = op
            op_token = self.current
        if precedence == 0:
            left = self.ternary(left)
        return left

    def comparison(self, left: n.Node, token: Token, precedence: int) -> n.Node:
        root: n.Node | None = None
        while True:
            right = self.expression(precedence + 1)
            node = self.node(n.Binary(token.offset, token.value, left, right))
            root = node if root is None else n.Binary(token.offset, "&&", root, node)
            left = right
            token = self.current
            if not (token.kind == OPERATOR and token.value in COMPARISONS):
                return root
            self.advance()

    def let(self) -> n.Node:
        self.expect(OPERATOR, "let")
        name = self.current
        self.expect(IDENT)
        self.expect(OPERATOR, "=")
        value = self.expression(0)
        self.expect(OPERATOR, ";")
        body = self.sequence()
        return self.node(n.Let(name.offset, name.value, value, body))

    def if_else(self) -> n.Node:
        start = self.current
        self.advance()
        cond = self.expression(0)
        self.expect(BRACKET, "{")
        then = self.sequence()
        self.expect(BRACKET, "}")
        self.expect(OPERATOR, "else")
        if self.at(OPERATOR, "if"):
            other = self.if_else()
        else:
            self.expect(BRACKET, "{")
            other = self.sequence()
            self.expect(BRACKET, "}")
        return self.node(n.Conditional(start.offset, cond, then, other))

    def ternary(self, node: n.Node) -> n.Node:
        while self.at(OPERATOR, "?"):
            self.advance()
            if not self.at(OPERATOR, ":"):
                then = self.expression(0)
                self.expect(OPERATOR, ":")
                other = self.expression(0)
            else:
                self.advance()
                then = node
                other = self.expression(0)
            node = self.node(n.Conditional(self.current.offset, node, then, other))
        return node

    def primary(self) -> n.Node:
        token = self.current
        if token.kind == OPERATOR and token.value in UNARY:
            self.advance()
            operand = self.expression(UNARY[token.value])
            node = self.node(n.Unary(token.offset, token.value, operand))
            return self.postfix(node)
        if self.at(BRACKET, "("):
            self.advance()
            inner = self.sequence()
            self.expect(BRACKET, ")")
            return self.postfix(inner)
        if self.depth > 0 and token.kind == OPERATOR and token.value in "#.":
            return self.pointer(token)
        if self.at(OPERATOR, "::"):
            self.advance()
            name = self.current
            self.expect(IDENT)
            return self.postfix(self.call(name, [], overridable=False))
        return self.secondary()

    def pointer(self, token: Token) -> n.Node:
        name = ""
        if token.value == "#":
            self.advance()
            if self.at(IDENT):
                name = self.current.value
                self.advance()
        return self.postfix(self.node(n.Pointer(token.offset, name)))

    def secondary(self) -> n.Node:
        token = self.current
        node: n.Node
        if token.kind == IDENT:
            self.advance()
            constants = {"true": True, "false": False}
            if token.value in constants:
                return self.node(n.Literal(token.offset, constants[token.value]))
            if token.value == "nil":
                return self.node(n.Nil(token.offset))
            if self.at(BRACKET, "("):
                node = self.call(token, [])
            else:
                node = self.node(n.Identifier(token.offset, token.value))
        elif token.kind == NUMBER:
            self.advance()
            return self.number(token)
        elif token.kind == STRING:
            self.advance()
            node = self.node(n.Literal(token.offset, token.value))
        elif self.at(BRACKET, "["):
            node = self.array(token)
        elif self.at(BRACKET, "{"):
            node = self.map(token)
        else:
            raise self.unexpected(token)
        return self.postfix(node)

    def number(self, token: Token) -> n.Node:
        text = token.value.replace("_", "")
        lower = text.lower()
        if lower.startswith(("0x", "0b", "0o")):
            kinds = {"x": "hex", "b": "binary", "o": "octal"}
            kind = kinds[lower[1]]
            try:
                value: int | float = int(lower[2:], {"x": 16, "b": 2, "o": 8}[lower[1]])
            except ValueError:
                raise self.invalid_number(kind, text) from None
        elif "." in lower or "e" in lower:
            try:
                value = float(text)
            except ValueError:
                raise self.invalid_number("float", text) from None
            if value == float("inf"):
                raise self.fail(
                    f'invalid float literal: strconv.ParseFloat: parsing "{text}": '
                    "value out of range"
                )
            return self.node(n.Literal(token.offset, value))
        else:
            try:
                value = int(text, 10)
            except ValueError:
                raise self.invalid_number("integer", text) from None
        if value > INT_MAX:
            raise self.fail(
                f"invalid {kind_of(lower)} literal: strconv.ParseInt: "
                f'parsing "{text}": value out of range'
            )
        return self.node(n.Literal(token.offset, value))

    def invalid_number(self, kind: str, text: str) -> ExprError:
        parser = "ParseFloat" if kind == "float" else "ParseInt"
        return self.fail(
            f'invalid {kind} literal: strconv.{parser}: parsing "{text}": '
            "invalid syntax"
        )

    def call(self, name: Token, args: list[n.Node], overridable: bool = True) -> n.Node:
        shadowed = overridable and name.value in self.overridden
        if name.value in PREDICATES and not shadowed:
            return self.predicate_call(name, args)
        if name.value in BUILTIN_NAMES and not shadowed:
            args = self.arguments(args)
            return self.node(n.Builtin(name.offset, name.value, args))
        callee = self.node(n.Identifier(name.offset, name.value))
        return self.node(n.Call(name.offset, callee, self.arguments(args)))

    def predicate_call(self, name: Token, args: list[n.Node]) -> n.Node:
        self.expect(BRACKET, "(")
        wanted = PREDICATES[name.value][len(args) :]
        for i, kind in enumerate(wanted):
            if self.at(BRACKET, ")"):
                if kind & OPTIONAL:
                    break
                raise self.fail(f"expected at least {len(wanted)} arguments")
            if i > 0:
                self.expect(OPERATOR, ",")
            if kind & EXPR:
                args.append(self.expression(0))
            else:
                args.append(self.predicate())
        if self.at(OPERATOR, ","):
            self.advance()
        self.expect(BRACKET, ")")
        return self.node(n.Builtin(name.offset, name.value, args))

    def arguments(self, args: list[n.Node]) -> list[n.Node]:
        offset = len(args)
        self.expect(BRACKET, "(")
        while not self.at(BRACKET, ")"):
            if len(args) > offset:
                self.expect(OPERATOR, ",")
            if self.at(BRACKET, ")"):
                break
            args.append(self.expression(0))
        self.expect(BRACKET, ")")
        return args

    def predicate(self) -> n.Node:
        start = self.current
        braces = self.at(BRACKET, "{")
        if braces:
            self.advance()
        self.depth += 1
        if braces:
            body = self.sequence()
        else:
            body = self.expression(0)
            if self.at(OPERATOR, ";"):
                raise self.fail("wrap predicate with brackets { and }")
        self.depth -= 1
        if braces:
            self.expect(BRACKET, "}")
        return self.node(n.Predicate(start.offset, body))

    def array(self, token: Token) -> n.Node:
        items: list[n.Node] = []
        self.expect(BRACKET, "[")
        while not self.at(BRACKET, "]"):
            if items:
                self.expect(OPERATOR, ",")
                if self.at(BRACKET, "]"):
                    break
            items.append(self.expression(0))
        self.expect(BRACKET, "]")
        return self.node(n.ArrayLit(token.offset, items))

    def map(self, token: Token) -> n.Node:
        self.expect(BRACKET, "{")
        pairs: list[tuple[n.Node, n.Node]] = []
        while not self.at(BRACKET, "}"):
            if pairs:
                self.expect(OPERATOR, ",")
                if self.at(BRACKET, "}"):
                    break
                if self.at(OPERATOR, ","):
                    raise self.unexpected()
            key: n.Node
            if self.current.kind in (NUMBER, STRING, IDENT):
                key = self.node(n.Literal(self.current.offset, self.current.value))
                self.advance()
            elif self.at(BRACKET, "("):
                key = self.expression(0)
            else:
                raise self.fail(
                    "a map key must be a quoted string, a number, a identifier, "
                    "or an expression enclosed in parentheses (unexpected token "
                    f"{self.current.describe()})"
                )
            self.expect(OPERATOR, ":")
            pairs.append((key, self.expression(0)))
        self.expect(BRACKET, "}")
        return self.node(n.MapLit(token.offset, pairs))

    def postfix(self, node: n.Node) -> n.Node:
        while self.current.kind in (OPERATOR, BRACKET):
            token = self.current
            if token.value in (".", "?."):
                node = self.property(node, token)
            elif token.value == "[":
                node = self.subscript(node, token, optional=False)
            else:
                break
        return node

    def property(self, node: n.Node, token: Token) -> n.Node:
        optional = token.value == "?."
        self.advance()
        prop = self.current
        if optional and self.at(BRACKET, "["):
            return self.subscript(node, prop, optional=True)
        self.advance()
        if prop.kind != IDENT and not (
            prop.kind == OPERATOR and prop.value.isidentifier()
        ):
            raise self.fail("expected name")
        key = self.node(n.Literal(prop.offset, prop.value))
        chained = isinstance(node, n.Chain)
        target = node.inner if isinstance(node, n.Chain) else node
        member = n.Member(prop.offset, target, key, optional)
        self.node(member)
        result: n.Node = member
        if self.at(BRACKET, "("):
            member.method = True
            result = self.node(n.Call(prop.offset, member, self.arguments([])))
        if chained or optional:
            result = self.node(n.Chain(prop.offset, result))
        return result

    def subscript(self, node: n.Node, token: Token, optional: bool) -> n.Node:
        self.advance()
        start: n.Node | None = None
        stop: n.Node | None = None
        if self.at(OPERATOR, ":"):
            self.advance()
            if not self.at(BRACKET, "]"):
                stop = self.expression(0)
            self.expect(BRACKET, "]")
            return self.node(n.Slice(token.offset, node, None, stop))
        start = self.expression(0)
        if self.at(OPERATOR, ":"):
            self.advance()
            if not self.at(BRACKET, "]"):
                stop = self.expression(0)
            self.expect(BRACKET, "]")
            return self.node(n.Slice(token.offset, node, start, stop))
        self.expect(BRACKET, "]")
        member = self.node(n.Member(token.offset, node, start, optional))
        if optional:
            return self.node(n.Chain(token.offset, member))
        return member


def kind_of(lower: str) -> str:
    if lower.startswith("0x"):
        return "hex"
    if lower.startswith("0b"):
        return "binary"
    if lower.startswith("0o"):
        return "octal"
    return "integer"


def parse(source: str, overridden: frozenset[str] = frozenset()) -> n.Node:
    """The syntax tree of `source`; raises ExprError on a syntax error.

    `overridden` are environment names that shadow builtins of the same name.
    """
    return Parser(source, overridden).parse()
