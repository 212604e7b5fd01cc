"""The interpretations of spec §5: where the guideline leaves a gap and the spec fills it.

The advice lists the ids it rests on with these short texts, so a clinician can overrule them.
(The dialogs show translated texts from the catalogs, keyed by the same ids.)
"""

from __future__ import annotations

INTERPRETATIONS: dict[str, str] = {
    "I-1": "A unilateral radicular deficit that is not progressive has no MRI window in the "
    "guideline: 168 h, as unilateral radicular pain.",
    "I-2": "Asymptomatic MESCC has no start window in the guideline: none is given.",
    "I-3": "Systemic-first criteria are met but NESMS <= 1: not systemic first; the MDT may still "
    "choose targeted or immunotherapy in lung cancer and melanoma.",
    "I-4": "Neither surgery nor adequate radiotherapy is possible: other local options when they "
    "qualify, else supportive care.",
    "I-5": "LM of a primary without a tumour-specific section in the guideline: no systemic option "
    "named; discuss in the MDT.",
    "I-6": "Table 1 points can add up to 4 while Table 4 stops at 3: the published ceiling, "
    "NESMS = min(sum, 3).",
    "I-7": "An unknown primary counts in the modified Bauer score as not lung cancer and not "
    "favourable.",
    "I-8": "LM category 3 needs both KPS < 70 and progressive untreatable systemic disease.",
}
