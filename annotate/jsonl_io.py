"""Reading and writing one JSON Lines line whatever it holds, for every ``--jsonl`` command.

The contract (``shared/spec/interfaces.md``) is one output line per input line,
so nothing a line holds may end the stream: not bytes that are not UTF-8, not
nesting deep enough to exhaust Python's recursion, not a JSON escape naming
half of a UTF-16 pair (``"\\ud800"``), which no UTF-8 output can carry.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import IO, Iterator

from plea.corpus.errors import PleaError

SURROGATE = re.compile("[\ud800-\udfff]")


class BadLine(PleaError, ValueError):
    """The line's error message, for its ``{"id": …, "error": …}`` output."""


def load_line(line: str | bytes) -> object:
    """The JSON value of one line (text or bytes); BadLine says why not."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except UnicodeDecodeError as exc:
        raise BadLine(f"invalid JSON: not UTF-8 (byte {exc.start})") from None
    except RecursionError:
        raise BadLine("invalid JSON: nested too deeply") from None


def read_lines(path: str | Path) -> Iterator[tuple[int, object]]:
    """(line number, value) of each non-blank line of a JSON Lines data file (gold, the
    reference coding, training labels); a line that is not JSON raises BadLine naming the
    file and line. The loaders turn values into their own records and errors."""
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield n, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise BadLine(f"not JSON ({exc.msg})", path=str(path), line=n) from None


def surrogate_error(value: object, name: str) -> str | None:
    """Why the string ``value`` cannot be processed (a lone surrogate), or None."""
    if isinstance(value, str) and (bad := SURROGATE.search(value)):
        return f'"{name}" holds a lone surrogate U+{ord(bad.group()):04X} at {bad.start()} ' \
               "(not Unicode text)"
    return None


def write_line(obj: dict, out: IO[str]) -> None:
    """One output line; with ``\\u`` escapes if the object holds what UTF-8 cannot carry."""
    try:
        line = json.dumps(obj, ensure_ascii=False)
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(obj)
    out.write(line + "\n")
