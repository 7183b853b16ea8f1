"""The project's errors: every user mistake is a :class:`PleaError`.

A ``PleaError`` is one line that names the file and the place (``file:line:col
(where): message``), so the one handler in ``plea`` (``plea/commands/base.py``)
can print it and exit without a traceback. Anything that is not a ``PleaError``
is a bug and keeps its traceback.

It lives here, in the lowest layer, because ``corpus``, ``annotate`` and ``plea``
all raise it and ``corpus`` imports nothing from the others.
"""
from __future__ import annotations


class PleaError(Exception):
    """A user mistake. ``str()`` is the one line a user sees.

    ``path`` (the file), ``line``/``column`` and ``where`` (a place without a line,
    e.g. "第二百零一条" or "source/0/id") are optional: errors about an option or
    a name have no file. ``exit_code`` is what `plea` exits with.
    """

    exit_code = 1

    def __init__(self, message: str = "", *, path: str | None = None, line: int | None = None,
                 column: int | None = None, where: str | None = None):
        self.path = str(path) if path is not None else None
        self.message = message
        self.line = line
        self.column = column
        self.where = where
        super().__init__(message)

    def __str__(self) -> str:
        place = self.path or ""
        if place and self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        if self.where:
            place = f"{place} ({self.where})" if place else self.where
        return f"{place}: {self.message}" if place else self.message

    def __reduce__(self):
        # Errors cross process boundaries (parsing in worker processes); the
        # subclasses' constructors differ, so rebuild from the attributes.
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(cls: type, args: tuple, state: dict) -> PleaError:
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(state)
    return exc


class SourceError(PleaError):
    """Bad input in a source text: always names its file."""

    def __init__(self, path: str, message: str, *, line: int | None = None,
                 column: int | None = None, where: str | None = None):
        super().__init__(message, path=path, line=line, column=column, where=where)


class ConfigError(PleaError):
    """A problem with the manifest, the sources directory or options."""


class BuildFailed(PleaError):
    """A build whose checks failed: the previous database was kept.

    ``problems`` are one line each (``source id: kind: where and what``); the
    user sees all of them, then how to accept them (``--keep-going``).
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(f"build failed, previous database kept ({len(self.problems)} "
                         f"problem{'s' if len(self.problems) != 1 else ''})")

    def __str__(self) -> str:
        lines = [self.message + ":"]
        lines += [f"  {p}" for p in self.problems]
        lines.append("  fix the sources or the manifest, or pass --keep-going to accept them")
        return "\n".join(lines)
