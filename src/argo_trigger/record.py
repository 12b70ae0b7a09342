"""A small base for value records, lighter to import than dataclasses.

`dataclasses` imports `inspect`, which costs more start-up time than the
whole offline command needs; these few records only want a readable repr and
equality over their fields. Each subclass lists its fields in `__slots__` and
assigns them in a typed `__init__`.
"""

from __future__ import annotations


class Record:
    """Equality and repr over the fields named in `__slots__`."""

    __slots__: tuple[str, ...] = ()

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Record)
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__)
        return f"{type(self).__name__}({shown})"
