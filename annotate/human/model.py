"""The records a scholar's judgement is kept in, and their vocabularies.

An annotation is never edited: a changed mind is a new annotation, and the
latest one counts (see ``verdicts``). That keeps the whole history, makes
export/import a plain union of records, and lets two annotators' files merge
without either overwriting the other.
"""
from __future__ import annotations

import re
import threading
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone

from plea.annotate.taxonomy import Taxonomy, TaxonomyError, load_taxonomy
from plea.corpus.errors import PleaError

# W3C Web Annotation motivations we use, one per kind of act.
TAGGING, ASSESSING, COMMENTING, LINKING = "tagging", "assessing", "commenting", "linking"
MOTIVATIONS = (TAGGING, ASSESSING, COMMENTING, LINKING)

# What a human said about a (provision, code). "reviewed" is about the whole
# unit: the annotator looked at it, so codes they did not assert are absent —
# without it a unit that carries nothing would leave no trace.
ADDED, CONFIRMED, CORRECTED, REJECTED, REVIEWED = (
    "added", "confirmed", "corrected", "rejected", "reviewed")
DECISIONS = (ADDED, CONFIRMED, CORRECTED, REJECTED, REVIEWED)
POSITIVE = (ADDED, CONFIRMED, CORRECTED)
MOTIVATION_OF = {ADDED: TAGGING, CONFIRMED: ASSESSING, CORRECTED: ASSESSING,
                 REJECTED: ASSESSING, REVIEWED: ASSESSING}

# Relations between two provisions, for comparative work. A closed list, so
# that links from different scholars can be counted together.
RELATIONS = {
    "corresponds_to": "functional equivalent in another system",
    "partially_corresponds_to": "overlaps in part",
    "contrasts_with": "regulates the same matter differently",
    "implements": "gives effect to (a rule implementing a statute)",
    "derived_from": "modelled on or transplanted from",
    "see_also": "related, without a stronger claim",
}

SPAN, WHOLE = "span", "provision"     # anchor scopes
ANNOTATOR_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


class AnnotationError(PleaError):
    """A user mistake (unknown code or provision, malformed file): one line to show."""


@dataclass
class Anchor:
    """Where an annotation sits: a provision, and the words in it.

    ``exact``/``prefix``/``suffix`` are a W3C TextQuoteSelector over the
    provision's own text (scope ``span``) or its whole text (scope
    ``provision``); ``start``/``end`` a TextPositionSelector kept as a hint.
    ``source_id``, ``work`` and ``citation`` are hints for finding the words
    again when ids change.
    """
    provision_id: str
    exact: str = ""
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None
    scope: str = SPAN
    source_id: str | None = None
    work: str | None = None
    citation: str | None = None


@dataclass
class Annotation:
    id: str
    motivation: str
    annotator: str
    created: str
    anchor: Anchor
    decision: str | None = None
    code: str | None = None
    role: str | None = None
    modality: str | None = None
    note: str | None = None
    relation: str | None = None
    link: Anchor | None = None
    codebook_version: str | None = None
    # JSON-LD properties we do not model, kept so an import/export round trip
    # does not strip what another tool wrote.
    extra: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """One word for listings: the decision, else note or link."""
        if self.decision:
            return self.decision
        return {COMMENTING: "note", LINKING: "link"}.get(self.motivation, self.motivation)

    @property
    def dimension(self) -> str | None:
        return self.code.split(".", 1)[0] if self.code else None

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Annotation":
        data = dict(data)
        data["anchor"] = Anchor(**data["anchor"])
        if data.get("link"):
            data["link"] = Anchor(**data["link"])
        return cls(**data)


def new_id() -> str:
    return str(uuid.uuid4())


_clock = threading.Lock()
_last: list[datetime] = []


def now_iso() -> str:
    """UTC time to the millisecond, strictly increasing within this process, so
    two decisions made in quick succession keep their order."""
    with _clock:
        now = datetime.now(timezone.utc)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if _last and now <= _last[0]:
            now = _last[0] + timedelta(milliseconds=1)
        _last[:] = [now]
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def check_annotator(annotator: str | None) -> str:
    if not annotator or not ANNOTATOR_RE.match(annotator):
        raise AnnotationError(
            f"bad annotator id {annotator!r}: use letters, digits and . _ @ - (at most 64)")
    return annotator


def codebook(taxonomy: Taxonomy | None = None) -> Taxonomy:
    if taxonomy is not None:
        return taxonomy
    try:
        return load_taxonomy()
    except TaxonomyError as exc:
        raise AnnotationError(str(exc)) from None


def check_code(taxonomy: Taxonomy, code: str, *, role: str | None = None,
               modality: str | None = None) -> None:
    """Raise AnnotationError unless code, role and modality fit the codebook."""
    if code not in taxonomy:
        near = [c for c in taxonomy.code_ids if code.split(".")[-1] in c]
        hint = f" (did you mean {', '.join(near[:3])}?)" if near else ""
        raise AnnotationError(f"unknown code {code!r}{hint}; codes are listed in {taxonomy.path}")
    if role is not None:
        if not code.startswith("subjects."):
            raise AnnotationError(f"a role applies only to subjects.* codes, not {code}")
        if role not in taxonomy.roles:
            raise AnnotationError(f"unknown role {role!r}: one of {', '.join(taxonomy.roles)}")
    if modality is not None and modality not in taxonomy.modalities:
        raise AnnotationError(
            f"unknown modality {modality!r}: one of {', '.join(taxonomy.modalities)}")


def check_relation(relation: str) -> None:
    if relation not in RELATIONS:
        raise AnnotationError(f"unknown relation {relation!r}: one of {', '.join(RELATIONS)}")
