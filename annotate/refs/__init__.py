"""Cross-references: find citations in Chinese, English and German text, normalise them
to (work, pinpoint) as schemas/works.yaml defines, and resolve them to provisions.

    from plea.annotate.refs import extract, Resolver
    refs = extract("依照本法第一百七十三条的规定", "zh", {"work": "cn-cpl", "pinpoint": ["201"]})
    Resolver("data/plea.db").resolve(refs[0]).to_id      # 'cn-cpl-2018:art_173'
"""
from __future__ import annotations

from .extract import extract
from .jsonl import refs_jsonl, run_jsonl
from .model import Context, Ref
from .resolve import Resolution, Resolver
from .works import Registry, load_registry


def link_database(db) -> int:
    """The build stage (annotate/refs/stage.py): writes the `refs` table."""
    from .stage import link_database as run
    return run(db)


__all__ = ["Context", "Ref", "Registry", "Resolution", "Resolver", "extract",
           "link_database", "load_registry", "refs_jsonl", "run_jsonl"]
