"""A reform brief: for chosen codes and jurisdictions, the law of each system quoted
with pinpoint citations, the contrast, the scholarly critiques and proposals with
their sources, notes and a bibliography — in Markdown, HTML or DOCX.

The package: ``model.py`` (what a brief holds), ``assemble.py`` (:func:`build_brief`:
the model from a database, read only), one renderer per format (``markdown.py``,
``html.py``, ``docx.py``: the model to text or bytes), and here :func:`render_brief`,
which does both and is what the CLI and the web view call. A new format is one
renderer module and one entry in :data:`RENDERERS`.
"""
from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Iterable

from plea.corpus.readonly import Db

from .assemble import build_brief, dimension_labels
from .html import render_html
from .markdown import md_escape, md_unescape, render_markdown
from .model import FORMATS, MEDIA_TYPES, Brief, BriefError

__all__ = ["FORMATS", "MEDIA_TYPES", "RENDERERS", "Brief", "BriefError", "build_brief",
           "dimension_labels", "filename", "format_from_path", "md_escape", "md_unescape",
           "render", "render_brief", "render_html", "render_markdown"]

# format → (renderer module, function); the docx renderer loads python-docx, so
# renderers are imported when first used.
RENDERERS = {"md": ("markdown", "render_markdown"), "html": ("html", "render_html"),
             "docx": ("docx", "render_docx")}


def render(brief: Brief, fmt: str) -> bytes:
    """``brief`` in ``fmt``, by the renderer of that format (RENDERERS)."""
    if fmt not in RENDERERS:
        raise BriefError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    module, function = RENDERERS[fmt]
    out = getattr(importlib.import_module(f"{__name__}.{module}"), function)(brief)
    return out if isinstance(out, bytes) else out.encode("utf-8")


def render_brief(db: Db, *, codes: str | Iterable[str] | None = None, dimension: str | None = None,
                 jurisdictions: str | Iterable[str] | None = None,
                 provision_ids: str | Iterable[str] | None = None, fmt: str = "md",
                 max_quotes: int = 4, max_claims: int = 8, title: str | None = None) -> bytes:
    """The brief as bytes in ``fmt`` (md, html, docx): what the CLI writes and the web
    view serves (with :data:`MEDIA_TYPES` and :func:`filename`)."""
    if fmt not in FORMATS:
        raise BriefError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    brief = build_brief(db, codes=codes, dimension=dimension, jurisdictions=jurisdictions,
                        provision_ids=provision_ids, max_quotes=max_quotes,
                        max_claims=max_claims, title=title)
    return render(brief, fmt)


def filename(fmt: str, *, codes: Iterable[str] = (), dimension: str | None = None) -> str:
    """A download name: brief-subjects.docx, brief-subjects.defense_counsel.md."""
    what = dimension or "-".join(list(codes)[:3]) or "selection"
    return f"brief-{re.sub(r'[^A-Za-z0-9._-]+', '_', what)}.{fmt}"


def format_from_path(path: str | Path | None, default: str = "md") -> str:
    suffix = Path(path).suffix.lower().lstrip(".") if path else ""
    return {"markdown": "md", "htm": "html"}.get(suffix, suffix) if suffix in (
        "md", "markdown", "html", "htm", "docx") else default
