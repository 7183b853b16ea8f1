"""Every default path of the project, in one place.

The files a user works with default to the working directory, each overridable
by an option or an environment variable (option first, then the variable, then
the default here), so that every command and the web view find the same files
when started from the same directory:

=============  ======================  ==========================================
name           variable                default
=============  ======================  ==========================================
db             ``$PLEA_DB``            ``data/plea.db``
annotations    ``$PLEA_ANNOTATIONS``   ``data/annotations.db``
annotators     ``$PLEA_ANNOTATORS``    ``data/annotators.json``
manifest       ``$PLEA_MANIFEST``      ``plea-sources.toml``
sources        ``$PLEA_SOURCES``       ``../shared/corpus`` (see :func:`shared_dir`)
=============  ======================  ==========================================

The texts shared with the other projects (``../shared/corpus``, ``gold``,
``training-texts``) are looked for beside the working directory, then beside
the checkout. The shipped files (the trained model) sit beside their code.

It lives in ``corpus``, the lowest layer, because all three layers need it and
``corpus`` imports nothing from ``annotate`` or ``plea``.
"""
from __future__ import annotations

import os
from pathlib import Path

# The repository root when run from a checkout (site-packages when installed).
CHECKOUT = Path(__file__).resolve().parents[1]

DATA = Path("data")
# name: (environment variable, default relative to the working directory)
DEFAULTS: dict[str, tuple[str, Path]] = {
    "db": ("PLEA_DB", DATA / "plea.db"),
    "annotations": ("PLEA_ANNOTATIONS", DATA / "annotations.db"),
    "annotators": ("PLEA_ANNOTATORS", DATA / "annotators.json"),
    "manifest": ("PLEA_MANIFEST", Path("plea-sources.toml")),
}
SOURCES_VARIABLE = "PLEA_SOURCES"

SHARED = Path("..") / "shared"
SHARED_SOURCES = "corpus"          # ../shared/corpus: the source texts
SHARED_GOLD = "gold"               # ../shared/gold: gold files for `plea eval`
SHARED_TRAINING = "training-texts"  # ../shared/training-texts: texts the labels point into

# The trained model ships with the learned tagger; `plea train` writes it there.
MODEL_DIR = CHECKOUT / "annotate" / "taggers" / "model"


def default_path(name: str, option: str | os.PathLike | None = None) -> Path:
    """The path for ``name`` (a key of DEFAULTS): ``option``, else its environment
    variable, else the default under the working directory."""
    variable, default = DEFAULTS[name]
    return Path(option or os.environ.get(variable) or default)


def describe(name: str) -> str:
    """``$VARIABLE, else default``: for the help of the option that overrides it."""
    variable, default = DEFAULTS[name]
    return f"${variable}, else {default.as_posix()}"


def db_path(option: str | os.PathLike | None = None) -> Path:
    return default_path("db", option)


def annotations_path(option: str | os.PathLike | None = None) -> Path:
    return default_path("annotations", option)


def annotators_path(option: str | os.PathLike | None = None) -> Path:
    return default_path("annotators", option)


def manifest_path(option: str | os.PathLike | None = None) -> Path:
    # Absolute, so the manifest's own messages name where it was looked for.
    path = default_path("manifest", option)
    return path if option or os.environ.get(DEFAULTS["manifest"][0]) else Path.cwd() / path


def shared_dir(name: str) -> Path | None:
    """``../shared/<name>`` beside the working directory, else beside the
    checkout; None when neither exists."""
    for base in (Path.cwd(), CHECKOUT):
        candidate = (base / SHARED / name).resolve()
        if candidate.is_dir():
            return candidate
    return None
