"""The training data of the learned tagger: labelled units with provenance.

Three kinds of record, all JSON Lines in the repository, none holding a source text:

- the reference coding of the corpus (``annotate/reference/coding.jsonl``): units named
  by provision id, their text read from a built database;
- labels on the training texts (``annotate/training/labels/*.jsonl``): units named by
  file, locator and offsets into ``../shared/training-texts`` (see ``textref``);
- units the team wrote in other wordings (``annotate/training/written/*.jsonl``): the
  text is ours, so it is kept with the label.

Every unit belongs to a *document* (a corpus source, a training file, a group of
written units); cross-validation leaves whole documents out. Translations share a
fold (``fold``): the Taiwanese code and its English text, a training file and its
``tw-en-`` translation.

    units = load_training_units(db=sqlite_utils.Database("data/plea.db"))
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from plea.corpus import paths
from plea.corpus.errors import PleaError
from plea.corpus.vocab import jurisdiction_of_prefix

from ..jsonl_io import BadLine, read_lines
from ..text import digest
from .textref import TextRefError, unit_text

HERE = Path(__file__).resolve().parent
LABELS_DIR = HERE / "labels"
WRITTEN_DIR = HERE / "written"
REFERENCE_FILE = HERE.parent / "reference" / "coding.jsonl"
PRESUMED_FILE = HERE / "presumed-negatives.txt"


class TrainingDataError(PleaError, ValueError):
    """A label file is malformed or names text that is not there (file and line named)."""


@dataclass(frozen=True)
class Label:
    code: str
    role: str | None = None
    modality: str = "none"
    start: int | None = None        # evidence, offsets into the unit's text
    end: int | None = None


@dataclass
class TrainingUnit:
    id: str
    doc: str                        # the document it comes from
    fold: str                       # documents that must stay together in cross-validation
    lang: str
    jurisdiction: str
    text: str
    context: str | None = None
    heading: str | None = None
    kind: str | None = None
    labels: list[Label] = field(default_factory=list)
    origin: str = ""                # reference | texts | written

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(l.code for l in self.labels)


def texts_root() -> Path | None:
    """``../shared/training-texts``, from the working directory or from the checkout."""
    return paths.shared_dir(paths.SHARED_TRAINING)


def _fold_of(doc: str) -> str:
    """Translations and versions of one text share a fold."""
    name = Path(doc).name
    name = re.sub(r"\.(json|md|xml|txt)$", "", name)
    name = re.sub(r"^tw-en-", "tw-", name)
    name = re.sub(r"^tw-cpc-(zh|en)$", "tw-cpc", name)
    return name


def _jurisdiction_of(doc: str) -> str:
    """From a training file's name (``de/at-smg-…`` → AT)."""
    return jurisdiction_of_prefix(Path(doc).name) or ""


def _labels(raw: list[dict], text: str, where: str) -> list[Label]:
    out = []
    for item in raw:
        start, end = item.get("start"), item.get("end")
        if start is not None and not (0 <= start <= end <= len(text)):
            raise TrainingDataError(f"{where}: evidence [{start}:{end}] outside the unit")
        out.append(Label(item["code"], item.get("role"), item.get("modality") or "none",
                         start, end))
    return out


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        yield from read_lines(path)
    except BadLine as exc:
        raise TrainingDataError(f"{path}:{exc.line}: {exc.message}") from None


def written_units(directory: Path = WRITTEN_DIR) -> list[TrainingUnit]:
    units = []
    for path in sorted(directory.glob("*.jsonl")):
        for n, obj in _read_jsonl(path):
            where = f"{path.name}:{n}"
            units.append(TrainingUnit(
                id=obj["id"], doc=obj["doc"], fold=obj["doc"], lang=obj["lang"],
                jurisdiction=obj.get("jurisdiction", ""), text=obj["text"],
                context=obj.get("lead") or None, kind=obj.get("kind"),
                labels=_labels(obj.get("codes", []), obj["text"], where), origin="written"))
    return units


def text_label_units(root: Path | None = None, directory: Path = LABELS_DIR) -> list[TrainingUnit]:
    """Units of the training texts; ``TrainingDataError`` when a text is missing or changed."""
    paths = sorted(directory.glob("*.jsonl"))
    if not paths:
        return []
    root = root or texts_root()
    if root is None:
        raise TrainingDataError("../shared/training-texts not found: the labels in "
                                f"{directory} name units of those files")
    units = []
    for path in paths:
        for n, obj in _read_jsonl(path):
            where = f"{path.name}:{n}"
            try:
                text = unit_text(root, obj["doc"], obj.get("loc", ""), obj["start"], obj["end"],
                                 obj.get("sha1"))
                context = heading = None
                if obj.get("lead"):
                    context = unit_text(root, obj["doc"], obj.get("loc", ""), *obj["lead"])
                if obj.get("heading"):
                    heading = unit_text(root, obj["doc"], obj.get("loc", ""), *obj["heading"])
            except TextRefError as exc:
                raise TrainingDataError(f"{where}: {exc}") from None
            loc = obj.get("loc", "")
            units.append(TrainingUnit(
                id=f"{obj['doc']}#{loc}[{obj['start']}:{obj['end']}]", doc=obj["doc"],
                fold=_fold_of(obj["doc"]), lang=obj["lang"],
                jurisdiction=obj.get("jurisdiction") or _jurisdiction_of(obj["doc"]),
                text=text, context=context,
                heading=heading, kind=obj.get("kind"),
                labels=_labels(obj.get("codes", []), text, where), origin="texts"))
    return units


def reference_units(db, path: Path = REFERENCE_FILE) -> list[TrainingUnit]:
    """The reference coding's provision units with their text from a built database.

    Units whose text no longer matches the coding (a changed edition) are left out of
    training; the build's reference stage reports them."""
    if not path.exists():
        return []
    from ..stage import read_units
    stage_units = {u.provision_id: u for u in read_units(db)}
    meta = {r["id"]: r for r in db.query("SELECT p.id, p.jurisdiction, p.source_id "
                                         "FROM provisions p")}
    units = []
    for n, obj in _read_jsonl(path):
        if "unit" not in obj:
            continue                              # the header line
        su = stage_units.get(obj["unit"])
        if su is None or digest(su.text) != obj.get("sha1"):
            continue
        row = meta[obj["unit"]]
        units.append(TrainingUnit(
            id=obj["unit"], doc=row["source_id"], fold=_fold_of(row["source_id"]), lang=su.lang,
            jurisdiction=row["jurisdiction"] or "", text=su.text, context=su.context,
            heading=su.heading, kind=su.kind,
            labels=_labels(obj.get("codes", []), su.text, f"{path.name}:{n}"),
            origin="reference"))
    return units


def presumed_negatives(db, path: Path = PRESUMED_FILE) -> list[TrainingUnit]:
    """Corpus units presumed to carry no code: a fixed sample of the units the reference
    coding did not cover (neither core provisions nor anything the rule tagger ever
    tagged) and that name no plea word. They teach the classifiers what most of a code
    book is — ~95 % of the corpus carries nothing, against a third of the hand-labelled
    units — so that a whole statute is not tagged at the hand-labelled rate."""
    if not path.exists():
        return []
    from ..stage import read_units
    wanted = {line.split()[0]: line.split()[1] for line in path.read_text().splitlines()
              if line.strip() and not line.startswith("#")}
    meta = {r["id"]: r for r in db.query("SELECT id, jurisdiction, source_id FROM provisions")}
    units = []
    for su in read_units(db):
        if su.provision_id not in wanted or digest(su.text) != wanted[su.provision_id]:
            continue
        row = meta[su.provision_id]
        units.append(TrainingUnit(
            id=su.provision_id, doc=row["source_id"], fold=_fold_of(row["source_id"]),
            lang=su.lang, jurisdiction=row["jurisdiction"] or "", text=su.text,
            context=su.context, heading=su.heading, kind=su.kind, labels=[],
            origin="presumed"))
    return units


def load_training_units(db=None, *, root: Path | None = None) -> list[TrainingUnit]:
    """Every labelled unit: reference coding (when ``db`` is given), training texts, written."""
    units: list[TrainingUnit] = []
    if db is not None:
        units += reference_units(db)
    units += text_label_units(root)
    units += written_units()
    if db is not None:
        units += presumed_negatives(db)
    return _dedupe(units)


def _dedupe(units: Iterable[TrainingUnit]) -> list[TrainingUnit]:
    """One unit per text and language, the first kept (reference before texts before
    written): the same words in two documents would leak across folds."""
    seen: set[tuple[str, str]] = set()
    out = []
    for u in units:
        key = (u.lang, " ".join(u.text.split()))
        if key in seen:
            continue
        seen.add(key)
        out.append(u)
    return out


def data_files() -> list[Path]:
    """The files whose content decides the trained model (hashed into its metadata)."""
    files = sorted(LABELS_DIR.glob("*.jsonl")) + sorted(WRITTEN_DIR.glob("*.jsonl"))
    files += [p for p in (REFERENCE_FILE, PRESUMED_FILE) if p.exists()]
    return files


def data_hash() -> str:
    h = hashlib.sha256()
    for path in data_files():
        h.update(path.relative_to(HERE.parent).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()
