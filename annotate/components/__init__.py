"""The project's spaCy components, registered as factories on import.

Pipeline order: ``plea_context`` → ``plea_subjects`` → ``plea_modality`` → ``plea_codes``.
Each takes a ``lang`` config value naming the cue data (``annotate/patterns/<lang>.yaml``).
"""
from .codes import PleaCodes, make_plea_codes
from .context import PleaContext, make_plea_context
from .modality import PleaModality, make_plea_modality, modality_at
from .subjects import PleaSubjects, make_plea_subjects

COMPONENTS = ("plea_context", "plea_subjects", "plea_modality", "plea_codes")

__all__ = ["COMPONENTS", "PleaCodes", "PleaContext", "PleaModality", "PleaSubjects",
           "make_plea_codes", "make_plea_context", "make_plea_modality", "make_plea_subjects",
           "modality_at"]
