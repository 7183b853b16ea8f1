"""The keyword baseline: a code whenever one of its words (``keywords.yaml``) occurs.

No plea context, no roles beyond ``party``, modality ``none``: it exists so that every
figure of the other taggers is read beside what a word list alone achieves.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from ..text import to_simplified
from .base import BaseTagger, Tag, Unit

KEYWORDS = Path(__file__).with_name("keywords.yaml")


@lru_cache(maxsize=1)
def load_keywords() -> dict[str, dict[str, tuple[str, ...]]]:
    """code → language → words (lower case; Chinese in Simplified script)."""
    data = yaml.safe_load(KEYWORDS.read_text(encoding="utf-8"))
    return {code: {lang: tuple(w.lower() for w in words) for lang, words in by_lang.items()}
            for code, by_lang in data.items()}


class KeywordTagger(BaseTagger):
    name = "keyword"

    def tag_resolved(self, chunk: list[Unit], langs: list[str]) -> list[list[Tag]]:
        keywords = load_keywords()
        out = []
        for unit, lang in zip(chunk, langs):
            text = to_simplified(unit.text) if lang == "zh" else unit.text.lower()
            tags = []
            for code, by_lang in keywords.items():
                for word in by_lang.get(lang, ()):
                    at = text.find(word)
                    if at >= 0:
                        tags.append(Tag(code=code, dimension=code.split(".", 1)[0], start=at,
                                        end=at + len(word), text=unit.text[at:at + len(word)],
                                        role="party" if code.startswith("subjects.") else None,
                                        modality="none", method=self.name, confidence=0.5))
                        break
            out.append(tags)
        return out
