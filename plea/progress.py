"""What `plea build` shows while it works: sources parsed so far, then each stage with
its count and rate, so a long build on a large corpus is never silent."""
from __future__ import annotations

import re
import sys
import time
from typing import Callable


class BuildProgress:
    """Callbacks for ``plea.corpus.build.build``: one line per stage, a counter for sources."""

    def __init__(self, echo: Callable[[str], None], total: int):
        self.echo, self.total, self.done = echo, total, 0
        self.started = time.perf_counter()
        self.provisions = 0
        self.tty = sys.stderr.isatty()

    def source(self, source, action: str) -> None:
        # Called with "parsing" before a source and with its action after.
        if action == "parsing":
            if self.tty:
                sys.stderr.write(f"\r  sources {self.done}/{self.total} {source.id[:40] + '…':<41}")
                sys.stderr.flush()
            return
        self.done += 1
        if self.tty:
            elapsed = time.perf_counter() - self.started
            sys.stderr.write(f"\r  sources {self.done}/{self.total} "
                             f"({self.done / max(elapsed, 1e-9):,.1f}/s) {source.id[:40]:<40}")
            if self.done == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    def stage(self, name: str, seconds: float, outcome: str | None) -> None:
        # The outcome's first number is the stage's count (tags, references, units).
        first = (outcome or "").splitlines()[0] if outcome else ""
        match = re.search(r"(\d[\d,]*) (?:units|tags|references|paragraphs|provisions)\b", first)
        rate = ""
        if match and seconds > 0.05:
            n = int(match.group(1).replace(",", ""))
            rate = f", {n / seconds:,.0f}/s"
        self.echo(f"  stage {name}: {seconds:.1f}s{rate}" + (f" — {first}" if first else ""))
