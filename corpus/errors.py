"""One error type for every user mistake: it names the file and the place."""
from __future__ import annotations


class SourceError(Exception):
    """Bad input. ``str()`` is the one line a user sees: ``file:line:col: message``."""

    def __init__(self, path: str, message: str, *, line: int | None = None,
                 column: int | None = None, where: str | None = None):
        self.path = str(path)
        self.message = message
        self.line = line
        self.column = column
        self.where = where  # e.g. "第二百零一条" or "Rule 11" when no line is known
        super().__init__(str(self))

    def __str__(self) -> str:
        place = self.path
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        if self.where:
            place += f" ({self.where})"
        return f"{place}: {self.message}"


class ConfigError(Exception):
    """A problem with the manifest, the sources directory or options."""


class BuildFailed(Exception):
    """A build whose checks failed: the previous database was kept.

    ``problems`` are one line each (``source id: kind: where and what``); the
    user sees all of them, then how to accept them (``--keep-going``).
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [f"build failed, previous database kept ({len(self.problems)} "
                 f"problem{'s' if len(self.problems) != 1 else ''}):"]
        lines += [f"  {p}" for p in self.problems]
        lines.append("  fix the sources or the manifest, or pass --keep-going to accept them")
        return "\n".join(lines)
