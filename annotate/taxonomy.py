"""The codebook: load ``schemas/taxonomy.yaml``, validate it, and look codes up.

The schema checks the shape; the cross-field rules a schema cannot express
(every code sits under a declared dimension, ids are unique, default roles are
declared roles) are checked here, so a bad codebook fails at start-up with a
message that names the offending entry rather than at the first tag.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jsonschema
import yaml

from corpus.errors import PleaError

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
DEFAULT_PATH = SCHEMAS / "taxonomy.yaml"
SCHEMA_PATH = SCHEMAS / "taxonomy.schema.json"

# The codebook header defines these; a codebook that omits the lists gets them.
DEFAULT_ROLES = ("party", "consulted", "witness", "reviewer", "informed", "excluded")
DEFAULT_MODALITIES = ("obligation", "presumptive", "permission", "prohibition", "none")


class TaxonomyError(PleaError, ValueError):
    """The codebook file is missing, unreadable or invalid."""


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
        raise TaxonomyError(f"{where}: not valid YAML: {exc}") from exc
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
    return Taxonomy(version=data["version"], dimensions=dimensions, codes=codes,
                    roles=roles, modalities=modalities, path=where)


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
