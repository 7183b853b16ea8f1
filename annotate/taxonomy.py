"""The codebook: the one reader of ``schemas/taxonomy.yaml``, and the tables a build
writes from it.

The schema checks the shape; the cross-field rules a schema cannot express
(every code sits under a declared dimension, ids are unique, default roles are
declared roles) are checked here, so a bad codebook fails at start-up with a
message that names the file and the offending entry rather than at the first tag.
There is no other codebook file: a missing ``schemas/taxonomy.yaml`` is an error.

The build's ``codebook`` stage (:func:`codebook_stage`) writes the codebook into the
database, and readers of a built database read it back with :func:`stored_codebook`
instead of reading the file again:

- ``dimensions``: id, position, label_en, label_zh, definition;
- ``taxonomy`` (the codes): code, dimension, label_en, label_zh, definition, include,
  exclude, default_role;
- ``roles`` and ``modalities``: id, position, definition.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jsonschema
import yaml

from plea.corpus.errors import ConfigError
from plea.corpus.tables import Table

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
DEFAULT_PATH = SCHEMAS / "taxonomy.yaml"
SCHEMA_PATH = SCHEMAS / "taxonomy.schema.json"

# The codebook header defines these; a codebook that omits the lists gets them.
DEFAULT_ROLES = ("party", "consulted", "witness", "reviewer", "informed", "excluded")
DEFAULT_MODALITIES = ("obligation", "presumptive", "permission", "prohibition", "none")


class TaxonomyError(ConfigError, ValueError):
    """The codebook file is missing, unreadable or invalid (one line: file, place, what)."""


@dataclass(frozen=True)
class Dimension:
    id: str
    label_en: str
    label_zh: str
    definition: str


@dataclass(frozen=True)
class Code:
    id: str
    dimension: str
    label_en: str
    label_zh: str
    definition: str
    include: str = ""
    exclude: str = ""
    default_role: str | None = None


@dataclass(frozen=True)
class Taxonomy:
    version: int
    dimensions: tuple[Dimension, ...]
    codes: tuple[Code, ...]
    roles: tuple[str, ...] = DEFAULT_ROLES
    modalities: tuple[str, ...] = DEFAULT_MODALITIES
    path: str = ""
    # role / modality id → its definition (empty for a codebook that omits the lists)
    definitions: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _by_id: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({c.id: c for c in self.codes})

    def __contains__(self, code_id: object) -> bool:
        return code_id in self._by_id

    def __getitem__(self, code_id: str) -> Code:
        return self._by_id[code_id]

    @property
    def code_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.codes)

    def dimension_of(self, code_id: str) -> str:
        return self._by_id[code_id].dimension

    def codes_in(self, dimension: str) -> tuple[Code, ...]:
        return tuple(c for c in self.codes if c.dimension == dimension)

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions)

    def dimension(self, dimension_id: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.id == dimension_id), None)


def _check(data: object, where: str) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data),
                    key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        path = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise TaxonomyError(f"{where}: invalid codebook at {path}: {first.message}{more}")
    dims = [d["id"] for d in data["dimensions"]]
    roles = [r["id"] for r in data.get("roles", [])] or list(DEFAULT_ROLES)
    seen: set[str] = set()
    for dup in (d for d in dims if dims.count(d) > 1):
        raise TaxonomyError(f"{where}: dimension {dup!r} is declared twice")
    for code in data["codes"]:
        cid = code["id"]
        if cid in seen:
            raise TaxonomyError(f"{where}: code {cid!r} is declared twice")
        seen.add(cid)
        if cid.split(".", 1)[0] not in dims:
            raise TaxonomyError(f"{where}: code {cid!r} is not under a declared dimension "
                                f"({', '.join(dims)})")
        role = code.get("default_role")
        if role is not None and role not in roles:
            raise TaxonomyError(f"{where}: code {cid!r} has default_role {role!r}, "
                                f"not one of {', '.join(roles)}")


def parse_taxonomy(text: str, where: str = "<codebook>") -> Taxonomy:
    """Validate codebook YAML text and return the :class:`Taxonomy`."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"{where}:{mark.line + 1}:{mark.column + 1}" if mark is not None else where
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise TaxonomyError(f"{place}: not valid YAML: {problem}") from exc
    if not isinstance(data, dict):
        raise TaxonomyError(f"{where}: a codebook is a mapping with version, dimensions, codes")
    _check(data, where)
    dimensions = tuple(Dimension(d["id"], d["label"]["en"], d["label"]["zh"], d["definition"])
                       for d in data["dimensions"])
    codes = tuple(Code(id=c["id"], dimension=c["id"].split(".", 1)[0],
                       label_en=c["label"]["en"], label_zh=c["label"]["zh"],
                       definition=c["definition"], include=c.get("include", ""),
                       exclude=c.get("exclude", ""), default_role=c.get("default_role"))
                  for c in data["codes"])
    roles = tuple(r["id"] for r in data.get("roles", [])) or DEFAULT_ROLES
    modalities = tuple(m["id"] for m in data.get("modalities", [])) or DEFAULT_MODALITIES
    definitions = {v["id"]: v.get("definition", "")
                   for v in [*data.get("roles", []), *data.get("modalities", [])]}
    return Taxonomy(version=data["version"], dimensions=dimensions, codes=codes,
                    roles=roles, modalities=modalities, path=where, definitions=definitions)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load and validate the codebook (default: the project's ``schemas/taxonomy.yaml``)."""
    if path is None:
        return _default()
    return _load(Path(path))


def _load(path: Path) -> Taxonomy:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TaxonomyError(f"cannot read codebook {path}: {exc.strerror or exc}") from exc
    return parse_taxonomy(text, str(path))


@lru_cache(maxsize=1)
def _default() -> Taxonomy:
    return _load(DEFAULT_PATH)


# -- the codebook in a built database --------------------------------------------------

# The tables, declared once (corpus.tables): the build creates them, the Datasette
# metadata shows their descriptions, the web fixtures make them from here.
DIMENSIONS_TABLE = Table("dimensions", {
    "id": (str, "Dimension id, the first part of every code id"),
    "position": (int, "Order in the codebook (0 first)"),
    "label_en": (str, "English label"),
    "label_zh": (str, "Chinese label"),
    "definition": (str, "What the dimension covers"),
}, pk="id", title="Codebook dimensions",
    description="The four dimensions of the codebook (schemas/taxonomy.yaml), in order")
TAXONOMY_TABLE = Table("taxonomy", {
    "code": (str, "Stable code id, <dimension>.<name>"),
    "dimension": (str, "The code's dimension (dimensions.id)"),
    "label_en": (str, "English label"),
    "label_zh": (str, "Chinese label"),
    "definition": (str, "What a unit must regulate, describe or propose to carry the code"),
    "include": (str, "What the code includes"),
    "exclude": (str, "What it does not"),
    "default_role": (str, "subjects codes: the role a subject gets when no word around it "
                          "says more"),
}, pk="code", title="Codebook",
    description="The codes the tags use, under the four dimensions (negotiation subjects, "
                "scope, behaviour, consequences), in codebook order")
ROLES_TABLE = Table("roles", {
    "id": (str, "Role id"),
    "position": (int, "Order in the codebook (0 first)"),
    "definition": (str, "What a subject in this role does"),
}, pk="id", title="Roles", description="The roles a subject can have in a negotiation (tags.role)")
MODALITIES_TABLE = Table("modalities", {
    "id": (str, "Modality id"),
    "position": (int, "Order in the codebook (0 first)"),
    "definition": (str, "What the modality means, with its typical words"),
}, pk="id", title="Modalities", description="How a rule binds (tags.modality)")
TABLES = (DIMENSIONS_TABLE, TAXONOMY_TABLE, ROLES_TABLE, MODALITIES_TABLE)
CODEBOOK_TABLES = tuple(table.name for table in TABLES)


def write_codebook(db, taxonomy: Taxonomy | None = None) -> None:
    """Write the codebook tables (``sqlite_utils.Database``), replacing what is there."""
    taxonomy = taxonomy or load_taxonomy()
    for table in TABLES:
        if not table.create(db):
            db.execute(f"DELETE FROM [{table.name}]")
    db["dimensions"].insert_all(
        ({"id": d.id, "position": i, "label_en": d.label_en, "label_zh": d.label_zh,
          "definition": d.definition} for i, d in enumerate(taxonomy.dimensions)),
        pk="id", replace=True)
    db["taxonomy"].insert_all(
        ({"code": c.id, "dimension": c.dimension, "label_en": c.label_en, "label_zh": c.label_zh,
          "definition": c.definition, "include": c.include or None, "exclude": c.exclude or None,
          "default_role": c.default_role}
         for c in taxonomy.codes),
        pk="code", replace=True, alter=True)
    for name, values in (("roles", taxonomy.roles), ("modalities", taxonomy.modalities)):
        db[name].insert_all(
            ({"id": v, "position": i, "definition": taxonomy.definitions.get(v) or None}
             for i, v in enumerate(values)),
            pk="id", replace=True, columns={"definition": str})


def codebook_stage(db) -> str:
    """The build stage: the codebook tables, before any stage that writes codes."""
    taxonomy = load_taxonomy()
    write_codebook(db, taxonomy)
    return (f"{len(taxonomy.dimensions)} dimensions, {len(taxonomy.codes)} codes, "
            f"{len(taxonomy.roles)} roles, {len(taxonomy.modalities)} modalities")


def stored_codebook(conn: sqlite3.Connection) -> Taxonomy:
    """The codebook a database was built with, read from its tables (every build makes
    them; the codebook stage fills them); while they are empty — a database whose
    codebook stage has not run — the project's codebook file (validated)."""
    if not conn.execute("SELECT EXISTS (SELECT 1 FROM dimensions)").fetchone()[0]:
        return load_taxonomy()

    def read(sql: str) -> list[dict]:
        cur = conn.execute(sql)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row)) for row in cur.fetchall()]

    dimensions = tuple(Dimension(r["id"], r["label_en"] or "", r["label_zh"] or "",
                                 r["definition"] or "")
                       for r in read("SELECT * FROM dimensions ORDER BY position"))
    codes = tuple(Code(id=r["code"], dimension=r["dimension"], label_en=r["label_en"] or "",
                       label_zh=r["label_zh"] or "", definition=r["definition"] or "",
                       include=r.get("include") or "", exclude=r.get("exclude") or "",
                       default_role=r.get("default_role"))
                  for r in read("SELECT * FROM taxonomy ORDER BY rowid"))
    roles = read("SELECT * FROM roles ORDER BY position")
    modalities = read("SELECT * FROM modalities ORDER BY position")
    # version 0: the tables do not repeat it; each tag row carries its codebook_version
    return Taxonomy(version=0, dimensions=dimensions, codes=codes,
                    roles=tuple(r["id"] for r in roles),
                    modalities=tuple(m["id"] for m in modalities),
                    path="(database)",
                    definitions={r["id"]: r["definition"] or "" for r in [*roles, *modalities]})
