"""What the web view needs to lay out the comparison matrix: column and dimension labels,
and the order of roles and modalities.

The matrix itself is one SQL statement owned by the comparison code
(``annotate.compare.matrix_sql``): it is the ``comparison_matrix`` view the build
creates (plea.web.views), the stored query of that name when the view is absent, and
what the home page reads through ``annotate.compare.matrix`` — so the HTML matrix
and its CSV/JSON export cannot disagree.
"""
from __future__ import annotations

import sqlite3

# The comparison's own order (any other jurisdiction follows alphabetically) lives with
# the comparison code; re-exported for the metadata.
from annotate.compare import (JURISDICTION_ORDER, matrix_jurisdictions,  # noqa: F401
                              order_jurisdictions)

JURISDICTION_NAMES = {
    "CN": ("China", "中国"), "US": ("United States", ""), "DE": ("Germany", "Deutschland"),
    "TW": ("Taiwan", "臺灣"), "INT": ("International", ""),
}
SCHOLARSHIP = "scholarship"

# Dimension labels as in the codebook (taxonomy.yaml `dimensions`), which the
# taxonomy table does not carry: it has one row per code.
DIMENSIONS = {
    "subjects": ("Negotiation subjects", "协商主体"),
    "scope": ("Negotiation scope", "协商对象（范围）"),
    "behavior": ("Negotiation behaviour", "协商行为"),
    "consequences": ("Negotiation consequences", "协商后果"),
}
ROLE_ORDER = ("party", "consulted", "witness", "reviewer", "informed", "excluded")
MODALITY_ORDER = ("obligation", "presumptive", "permission", "prohibition", "none")


def jurisdictions(conn: sqlite3.Connection) -> list[str]:
    """Jurisdictions with at least one non-scholarly source in the database."""
    return matrix_jurisdictions(conn)

