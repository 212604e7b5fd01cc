"""Scope of the LM guideline (spec §2): LM of solid tumours only. Haematological primaries are
outside it (lm Verantwoording); every other field of both LM pathways is then not applicable."""

from __future__ import annotations

from .facts import Facts
from .outcome import Branch
from .rules import Rule, first, not_

HAEMATOLOGICAL = ("lymphoma", "myeloma")
SOURCE = "lm:bg-verantwoording"


def scope(f: Facts) -> Rule:
    # SPEC: scope always applies (§2), so the primary tumour is asked even when LM is not
    # suspected; every other field is then not applicable.
    return first([(f.is_("primary_tumor", *HAEMATOLOGICAL), "out_of_scope_haematological",
                   Branch(SOURCE))], "in_scope", Branch(SOURCE))


def in_scope(f: Facts) -> Rule:
    return not_(f.is_("primary_tumor", *HAEMATOLOGICAL))
