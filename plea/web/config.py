"""Where the web view finds the annotation store and the annotator accounts.

Environment variables first (so `plea serve` needs no new options: they pass
through to Datasette), then the plugin's settings in Datasette's metadata
(``{"plugins": {"plea-corpus": {"annotations": …, "annotators": …}}}``):

* the annotation store: ``$PLEA_ANNOTATIONS``, else the setting ``annotations``,
  else ``data/annotations.db`` under the directory `plea serve` was started in —
  the same default as `plea build` and `plea annotate`, so a build run from the
  same directory merges what was annotated in the browser;
* the accounts: ``$PLEA_ANNOTATORS``, else the setting ``annotators``; with
  neither nobody can log in and the site stays read-only.
"""
from __future__ import annotations

import os
from pathlib import Path

from annotate.human.store import DEFAULT_STORE

PLUGIN = "plea-corpus"


def _setting(datasette, key: str) -> str | None:
    if datasette is None:
        return None
    value = (datasette.plugin_config(PLUGIN) or {}).get(key)
    return str(value) if value else None


def annotations_path(datasette=None) -> Path:
    found = os.environ.get("PLEA_ANNOTATIONS") or _setting(datasette, "annotations")
    return Path(found).resolve() if found else DEFAULT_STORE.resolve()


def annotators_path(datasette=None) -> Path | None:
    found = os.environ.get("PLEA_ANNOTATORS") or _setting(datasette, "annotators")
    return Path(found).resolve() if found else None
