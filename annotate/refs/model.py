"""What a cross-reference is, once found: a span of text and the (work, pinpoint) it names."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Ref:
    """One reference. ``text[start:end]`` of the citing text is the evidence.

    ``work`` is an id from schemas/works.yaml, or None when the text names a work the
    registry does not know (``title`` then holds the name as written). ``pinpoint``
    follows works.yaml: outermost unit first, strings, [] for the work as a whole.
    ``method`` says which grammar produced it: explicit, relative, self (本法, this
    rule), inferred (a bare article in a text that named its work earlier), defined (a
    name the text introduced), case (eyecite).
    """
    start: int
    end: int
    text: str
    work: str | None
    pinpoint: list[str] = field(default_factory=list)
    method: str = "explicit"
    version: str | None = None
    title: str | None = None

    def key(self) -> tuple:
        return (self.work, tuple(self.pinpoint))

    def to_dict(self) -> dict:
        out = asdict(self)
        if out["version"] is None:
            del out["version"]
        if out["title"] is None:
            del out["title"]
        return out


@dataclass(frozen=True)
class Part:
    """One designation inside a citation: (level name, number as normalised)."""
    level: str
    value: str


@dataclass
class Context:
    """The provision a text sits in: for 本法 / this rule and for relative units.

    ``pinpoint`` is that provision's own pinpoint; ``date`` (YYYY-MM-DD) picks versions
    of the works it cites; ``previous_article`` is the number of the article before it
    in its work, when the caller knows it (前条 after 第二十四条之一 is 24-1).
    """
    work: str | None = None
    pinpoint: list[str] | None = None
    date: str | None = None
    previous_article: str | None = None
    source: str | None = None

    @classmethod
    def from_dict(cls, data: dict | None) -> "Context":
        data = data or {}
        pin = data.get("pinpoint")
        return cls(work=data.get("work"),
                   pinpoint=[str(p) for p in pin] if isinstance(pin, list) else None,
                   date=data.get("date"), previous_article=data.get("previous_article"),
                   source=data.get("source"))
