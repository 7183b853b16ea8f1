"""Where the web view finds the annotation store and the annotator accounts.

Environment variables first (so `plea serve` needs no new options: they pass
through to Datasette), then the plugin's settings in Datasette's metadata
(``{"plugins": {"plea-corpus": {"annotations": …, "annotators": …}}}``), then
the defaults of ``corpus/paths.py`` under the directory `plea serve` was
started in — the same files `plea build`, `plea annotate` and `plea annotators`
use, so a build run from the same directory merges what was annotated in the
browser, and an account made with `plea annotators add` can log in:

* the annotation store: ``$PLEA_ANNOTATIONS``, else the setting ``annotations``,
  else ``data/annotations.db``;
* the accounts: ``$PLEA_ANNOTATORS``, else the setting ``annotators``, else
  ``data/annotators.json``; with no such file nobody can log in and the site
  stays read-only.
"""
from __future__ import annotations

import os
from pathlib import Path

from plea.corpus import paths

PLUGIN = "plea-corpus"


def _setting(datasette, key: str) -> str | None:
    if datasette is None:
        return None
    value = (datasette.plugin_config(PLUGIN) or {}).get(key)
    return str(value) if value else None


def _path(datasette, name: str) -> Path:
    variable = paths.DEFAULTS[name][0]
    return paths.default_path(name, os.environ.get(variable) or _setting(datasette, name)).resolve()


def annotations_path(datasette=None) -> Path:
    return _path(datasette, "annotations")


def annotators_path(datasette=None) -> Path:
    return _path(datasette, "annotators")
