"""Starting Datasette on the built database, read-only, with our metadata."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .metadata import build_metadata

SETTINGS = {
    "sql_time_limit_ms": 3000,   # a runaway query must not hold the server
    "default_page_size": 50,
    "facet_time_limit_ms": 500,
    "allow_download": 1,
    # Arbitrary SQL from anonymous visitors can hold every SQL thread; the
    # stored queries and the pages stay. `plea serve --sql` turns it on.
    "default_allow_sql": 0,
}


def write_metadata(db_path: Path) -> Path:
    path = db_path.with_suffix(".metadata.json")
    path.write_text(json.dumps(build_metadata(db_path), ensure_ascii=False, indent=2),
                    encoding="utf-8")
    return path


def datasette_command(db_path: Path, *, host: str, port: int, sql: bool = False) -> list[str]:
    """The command line that serves ``db_path`` immutably (no write endpoints);
    ``sql`` lets visitors run their own SQL."""
    metadata = write_metadata(db_path)
    cmd = [sys.executable, "-m", "datasette", "serve", "--immutable", str(db_path),
           "--metadata", str(metadata), "--host", host, "--port", str(port)]
    for key, value in {**SETTINGS, "default_allow_sql": int(sql)}.items():
        cmd += ["--setting", key, str(value)]
    return cmd
