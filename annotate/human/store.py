"""The annotation store: a SQLite file of its own, and the acts a scholar performs.

The store lives apart from the built corpus (default ``data/annotations.db``,
``$PLEA_ANNOTATIONS``) because the corpus is rebuilt from the sources at any
time and human work must not depend on that; the build only reads the store.

Every act appends an annotation; nothing is updated or deleted, so the store
is a history and a changed mind is simply a later decision. The acts are
methods that take the annotator's id — the CLI and the web view call them and
hold no logic of their own:

    store = AnnotationStore(path, corpus="data/plea.db")
    store.reject("alice", "cn-cpl-2018:art_174__para_1", "subjects.court")
    store.add("alice", "cn-cpl-2018:art_174__para_1", "subjects.duty_lawyer",
              quote="值班律师", role="witness")
"""
from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from plea.annotate.taxonomy import Taxonomy
from plea.corpus import paths

from . import model
from .anchor import make_anchor, span_anchor
from .model import (ADDED, ASSESSING, COMMENTING, CONFIRMED, CORRECTED, LINKING, POSITIVE,
                    REJECTED, REVIEWED, TAGGING, Anchor, Annotation, AnnotationError)
from .provisions import Provisions

DEFAULT_STORE = paths.DEFAULTS["annotations"][1]
FORMAT_VERSION = "1"

COLUMNS = {
    "id": "TEXT PRIMARY KEY", "motivation": "TEXT NOT NULL", "decision": "TEXT",
    "code": "TEXT", "role": "TEXT", "modality": "TEXT", "note": "TEXT", "relation": "TEXT",
    "annotator": "TEXT NOT NULL", "created": "TEXT NOT NULL", "codebook_version": "TEXT",
    "provision_id": "TEXT NOT NULL", "source_id": "TEXT", "work": "TEXT", "citation": "TEXT",
    "scope": "TEXT NOT NULL", "exact": "TEXT", "prefix": "TEXT", "suffix": "TEXT",
    "start": "INTEGER", "end": "INTEGER", "link_provision_id": "TEXT", "link": "TEXT",
    "extra": "TEXT",
}
ANCHOR_FIELDS = ("provision_id", "source_id", "work", "citation", "scope", "exact", "prefix",
                 "suffix", "start", "end")


def default_store() -> Path:
    return paths.annotations_path()


def resolve_store_path(path: str | Path | None) -> Path:
    return Path(path) if path else default_store()


# -- rows ------------------------------------------------------------------------------
def to_row(a: Annotation) -> dict:
    row = {k: getattr(a, k) for k in ("id", "motivation", "decision", "code", "role",
                                       "modality", "note", "relation", "annotator", "created",
                                       "codebook_version")}
    row.update({k: getattr(a.anchor, k) for k in ANCHOR_FIELDS})
    row["link_provision_id"] = a.link.provision_id if a.link else None
    row["link"] = json.dumps(vars(a.link), ensure_ascii=False) if a.link else None
    row["extra"] = json.dumps(a.extra, ensure_ascii=False, sort_keys=True) if a.extra else None
    return row


def from_row(row: dict) -> Annotation:
    anchor = Anchor(**{k: row[k] for k in ANCHOR_FIELDS})
    link = Anchor(**json.loads(row["link"])) if row.get("link") else None
    return Annotation(
        id=row["id"], motivation=row["motivation"], annotator=row["annotator"],
        created=row["created"], anchor=anchor, decision=row["decision"], code=row["code"],
        role=row["role"], modality=row["modality"], note=row["note"], relation=row["relation"],
        link=link, codebook_version=row["codebook_version"],
        extra=json.loads(row["extra"]) if row.get("extra") else {})


def create_table(conn: sqlite3.Connection, name: str = "annotations",
                 more: dict[str, str] | None = None) -> None:
    cols = {**COLUMNS, **(more or {})}
    conn.execute(f"CREATE TABLE IF NOT EXISTS [{name}] ("
                 + ", ".join(f"[{c}] {t}" for c, t in cols.items()) + ")")


@dataclass
class PutResult:
    inserted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)   # (id, what differs)


class AnnotationStore:
    """One annotation store file (``":memory:"`` for a scratch store).

    ``corpus`` is the built database the acts check ids against and anchor
    in: a path, a ``sqlite_utils.Database``, a ``sqlite3.Connection`` or a
    ``Provisions``; it is read only. ``readonly`` opens an existing store
    without the right to write (what the build does).
    """

    def __init__(self, path: str | Path | None = None, *, corpus=None,
                 taxonomy: Taxonomy | None = None, readonly: bool = False):
        self.path = Path(path) if str(path) == ":memory:" else resolve_store_path(path)
        self._corpus = corpus
        self._taxonomy = taxonomy
        # A web server may open the store in one thread and act in another;
        # writes go through put(), which holds a lock.
        self._lock = threading.Lock()
        if str(self.path) == ":memory:":
            self.conn = sqlite3.connect(":memory:", check_same_thread=False)
        elif readonly:
            if not self.path.is_file():
                raise AnnotationError(f"no annotation store at {self.path}")
            self.conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                        check_same_thread=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        if not readonly:
            self._create()

    def _create(self) -> None:
        with self.conn:
            create_table(self.conn)
            self.conn.execute("CREATE INDEX IF NOT EXISTS annotations_provision "
                              "ON annotations (provision_id, code)")
            self.conn.execute("CREATE TABLE IF NOT EXISTS store_meta "
                              "(key TEXT PRIMARY KEY, value TEXT)")
            self.conn.execute("INSERT OR IGNORE INTO store_meta VALUES ('format', ?)",
                              [FORMAT_VERSION])

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "AnnotationStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def taxonomy(self) -> Taxonomy:
        if self._taxonomy is None:
            self._taxonomy = model.codebook()
        return self._taxonomy

    def corpus(self, corpus=None) -> Provisions:
        """The built corpus to check ids against and to anchor in."""
        corpus = corpus if corpus is not None else self._corpus
        if corpus is None:
            raise AnnotationError("annotating needs the built corpus database (--db)")
        provisions = Provisions.open(corpus)
        if corpus is self._corpus:
            self._corpus = provisions
        return provisions

    # -- reading ----------------------------------------------------------------------
    def all(self) -> list[Annotation]:
        return self.find()

    def find(self, *, provision_id: str | None = None, annotator: str | None = None,
             code: str | None = None, kind: str | None = None) -> list[Annotation]:
        """Annotations in the order they were made, optionally filtered."""
        where, params = [], []
        for column, value in (("provision_id", provision_id), ("annotator", annotator),
                              ("code", code)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = "SELECT * FROM annotations"
        if where:
            sql += " WHERE " + " AND ".join(where)
        found = [from_row(dict(r)) for r in self.conn.execute(sql + " ORDER BY created, id",
                                                                 params)]
        return [a for a in found if kind is None or a.kind == kind]

    def get(self, annotation_id: str) -> Annotation | None:
        """By id, or by an unambiguous prefix of it (as `plea annotate list` shows)."""
        row = self.conn.execute("SELECT * FROM annotations WHERE id = ?",
                                [annotation_id]).fetchone()
        if row is None and len(annotation_id) >= 6:
            rows = self.conn.execute("SELECT * FROM annotations WHERE id LIKE ? LIMIT 2",
                                     [annotation_id.replace("%", "") + "%"]).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return from_row(dict(row)) if row else None

    def __len__(self) -> int:
        return self.conn.execute("SELECT count(*) FROM annotations").fetchone()[0]

    # -- writing ----------------------------------------------------------------------
    def put(self, annotations: Iterable[Annotation]) -> PutResult:
        """Insert annotations by id, in one transaction: an id already present
        with the same content is left alone (import is idempotent); with other
        content it is a conflict, reported and not overwritten."""
        result = PutResult()
        with self._lock, self.conn:
            for a in annotations:
                row = to_row(a)
                old = self.conn.execute("SELECT * FROM annotations WHERE id = ?",
                                        [a.id]).fetchone()
                if old is None:
                    cols = list(row)
                    self.conn.execute(
                        f"INSERT INTO annotations ({', '.join(f'[{c}]' for c in cols)}) "
                        f"VALUES ({', '.join('?' for _ in cols)})", [row[c] for c in cols])
                    result.inserted.append(a.id)
                    continue
                differs = [c for c in row if dict(old)[c] != row[c]]
                if differs:
                    result.conflicts.append((a.id, ", ".join(differs)))
                else:
                    result.unchanged.append(a.id)
        return result

    def _record(self, annotator: str, anchor: Anchor, motivation: str, **fields) -> Annotation:
        a = Annotation(id=model.new_id(), motivation=motivation,
                       annotator=model.check_annotator(annotator), created=model.now_iso(),
                       anchor=anchor, codebook_version=str(self.taxonomy.version), **fields)
        self.put([a])
        return a

    # -- the acts ---------------------------------------------------------------------
    def add(self, annotator: str, provision_id: str, code: str, *, corpus=None,
            quote: str | None = None, start: int | None = None, end: int | None = None,
            role: str | None = None, modality: str | None = None,
            note: str | None = None) -> Annotation:
        """Tag a span (``quote`` or ``start``/``end``) or the whole provision with ``code``."""
        model.check_code(self.taxonomy, code, role=role, modality=modality)
        anchor = make_anchor(self.corpus(corpus), provision_id, quote=quote, start=start, end=end)
        return self._record(annotator, anchor, TAGGING, decision=ADDED, code=code, role=role,
                            modality=modality, note=_clean(note))

    def confirm(self, annotator: str, provision_id: str, code: str, *, corpus=None,
                role: str | None = None, modality: str | None = None,
                note: str | None = None) -> Annotation:
        """Agree that the provision carries ``code``; a ``role`` or ``modality``
        other than the tagger's makes it a correction."""
        model.check_code(self.taxonomy, code, role=role, modality=modality)
        provisions = self.corpus(corpus)
        anchor, auto = self._judged(provisions, provision_id, code, "confirm")
        decision = CONFIRMED
        if (role is not None and role != (auto or {}).get("role")) or (
                modality is not None and modality != (auto or {}).get("modality")):
            decision = CORRECTED
        return self._record(annotator, anchor, ASSESSING, decision=decision, code=code,
                            role=role, modality=modality, note=_clean(note))

    def correct(self, annotator: str, provision_id: str, code: str, *, corpus=None,
                role: str | None = None, modality: str | None = None,
                note: str | None = None) -> Annotation:
        """Change the role or modality of a tag (the code stays)."""
        if role is None and modality is None:
            raise AnnotationError("a correction needs a role or a modality")
        model.check_code(self.taxonomy, code, role=role, modality=modality)
        anchor, _ = self._judged(self.corpus(corpus), provision_id, code, "correct")
        return self._record(annotator, anchor, ASSESSING, decision=CORRECTED, code=code,
                            role=role, modality=modality, note=_clean(note))

    def reject(self, annotator: str, provision_id: str, code: str, *, corpus=None,
               note: str | None = None) -> Annotation:
        """Say the provision does not carry ``code``, whoever proposed it."""
        model.check_code(self.taxonomy, code)
        anchor, _ = self._judged(self.corpus(corpus), provision_id, code, "reject")
        return self._record(annotator, anchor, ASSESSING, decision=REJECTED, code=code,
                            note=_clean(note))

    def note(self, annotator: str, provision_id: str, text: str, *, corpus=None,
             quote: str | None = None, start: int | None = None,
             end: int | None = None) -> Annotation:
        """Attach a free-text note to a span or to the whole provision."""
        if not text or not text.strip():
            raise AnnotationError("the note is empty")
        anchor = make_anchor(self.corpus(corpus), provision_id, quote=quote, start=start, end=end)
        return self._record(annotator, anchor, COMMENTING, note=text.strip())

    def link(self, annotator: str, provision_id: str, target_id: str,
             relation: str = "corresponds_to", *, corpus=None,
             note: str | None = None) -> Annotation:
        """Link two provisions, e.g. CN art. 174 ``corresponds_to`` Rule 11(c)(2)."""
        model.check_relation(relation)
        if provision_id == target_id:
            raise AnnotationError("a provision cannot be linked to itself")
        provisions = self.corpus(corpus)
        anchor = make_anchor(provisions, provision_id)
        target = make_anchor(provisions, target_id)
        return self._record(annotator, anchor, LINKING, relation=relation, link=target,
                            note=_clean(note))

    def review(self, annotator: str, provision_id: str, *, corpus=None) -> list[Annotation]:
        """Mark a unit as fully reviewed: the automatic tags this annotator has
        not judged are confirmed, and codes nobody asserted count as absent."""
        provisions = self.corpus(corpus)
        provisions.require(provision_id)
        judged = {a.code for a in self.find(provision_id=provision_id, annotator=annotator)
                  if a.code}
        made = []
        for code in dict.fromkeys(t["code"] for t in provisions.tags(provision_id)):
            if code not in judged and code in self.taxonomy:
                made.append(self.confirm(annotator, provision_id, code, corpus=provisions))
        made.append(self._record(annotator, make_anchor(provisions, provision_id), ASSESSING,
                                 decision=REVIEWED))
        return made

    def _judged(self, provisions: Provisions, provision_id: str, code: str,
                act: str) -> tuple[Anchor, dict | None]:
        """The anchor for a judgement on (provision, code) and the automatic tag
        judged, if any. Judging a tag nobody proposed is refused when the
        corpus has been tagged, since it is most likely a typo."""
        row = provisions.require(provision_id)
        autos = provisions.tags(provision_id, code)
        humans = [a for a in self.find(provision_id=provision_id, code=code)
                  if a.decision in POSITIVE]
        if not autos and not humans and provisions.tagged():
            carried = sorted({t["code"] for t in provisions.tags(provision_id)})
            raise AnnotationError(
                f"cannot {act}: no tag {code} on {provision_id} (it carries "
                f"{', '.join(carried) or 'no tags'}); use `plea annotate add` to add one")
        text = row["text"] or ""
        for tag in autos:
            s, e = tag.get("start"), tag.get("end")
            if isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text):
                hints = {"source_id": row["source_id"], "work": row["work"],
                         "citation": row["citation"]}
                return span_anchor(text, s, e, provision_id, **hints), tag
        if humans:
            return humans[-1].anchor, (autos[0] if autos else None)
        return make_anchor(provisions, provision_id), (autos[0] if autos else None)


def _clean(note: str | None) -> str | None:
    return note.strip() if note and note.strip() else None

