"""Human annotation: scholars confirm, reject, correct and add tags, write notes
and link provisions; nothing they decide is ever lost.

The modules, in the order data flows through them:

- ``model``      the Annotation and Anchor records and their vocabularies
- ``provisions`` read-only lookups and searches over a built corpus database
- ``anchor``     quote selectors that re-attach to the same words after a rebuild
- ``store``      the annotation store (its own SQLite file) and the operations
                 the CLI and the web view call: add, confirm, reject, note, link
- ``export``     W3C Web Annotation JSON-LD, one annotation a line, and import
- ``gold``       human judgements as gold-file units, to score the tagger
- ``verdicts``   which human decision counts when several were made
- ``stage``      the build stage: copy, re-anchor, and the effective_tags view;
                 ``live_tag_decisions`` shows one provision's decisions before
                 the next build
- ``agreement``  Cohen's kappa and Krippendorff's alpha between annotators

The store is separate from the built corpus and the build only reads it, so a
rebuild can never lose a scholar's work.
"""
