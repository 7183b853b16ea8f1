"""Loading the vocabulary files under data/ (one per language)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=None)
def vocabulary(lang: str) -> dict:
    return yaml.safe_load((DATA / f"{lang}.yaml").read_text(encoding="utf-8"))


def alternation(words) -> str:
    """A regex alternation of literal words, longest first (so 本条例 wins over 本条)."""
    import re
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
