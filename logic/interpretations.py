"""The interpretations of spec §5: where the guideline leaves a gap and the spec fills it.

The advice lists the ids it rests on with these short texts, so a clinician can overrule them.
(The dialogs show translated texts from the catalogs, keyed by the same ids.)
"""

from __future__ import annotations

INTERPRETATIONS: dict[str, str] = {
    "I-1": "A unilateral radicular deficit that is not progressive has no MRI window in the "
    "guideline: 168 h, as unilateral radicular pain.",
    "I-2": "Asymptomatic MESCC has no start window in the guideline: 72 h with the urgent "
    "consultation when it is to be treated as symptomatic (as radiological MESCC); no window "
    "when it is not.",
    "I-3": "Systemic-first criteria are met but NESMS <= 1: not systemic first; the MDT may still "
    "choose targeted or immunotherapy in lung cancer and melanoma.",
    "I-4": "Neither surgery nor adequate radiotherapy is possible: other local options when they "
    "qualify, else supportive care.",
    "I-5": "LM of a primary without a tumour-specific section: the MDT chooses systemic therapy "
    "when a BBB-penetrating, fast-acting option exists, else the radiotherapy listed, else best "
    "supportive care.",
    "I-6": "Table 1 points can add up to 4 while Table 4 stops at 3: the published ceiling, "
    "NESMS = min(sum, 3).",
    "I-7": "Unknown primary: the tumour items of the modified Bauer score are open, so the NESMS "
    "is a range; a condition NESMS >= 2 counts as met when the upper bound reaches 2 (the MDT "
    "decides with the range; surgery also yields tissue).",
    "I-8": "LM category 3 needs both KPS < 70 and progressive untreatable systemic disease.",
    "I-9": "Increasing weakness or numbness and new bladder/bowel or saddle symptoms count as "
    "contact now, and so does an unknown answer about a deficit.",
    "I-10": "CT thorax/abdomen: urgent when histology is needed; otherwise, with a proven spinal "
    "metastasis, a staging CT if there is no recent one.",
    "I-11": "Instability in a surgical candidate: surgery first, systemic therapy after or "
    "alongside it (systemic therapy does not restore stability).",
    "I-12": "No diagnostic or therapeutic lumbar puncture with mass effect or obstructive "
    "hydrocephalus on imaging: consult neurosurgery.",
    "I-13": "WBRT only with cerebral LM (for SCLC also with brain metastases); never for "
    "spinal-only LM.",
    "I-14": "Melanoma without a BRAF mutation, with cerebral LM: WBRT as a bridge to "
    "immunotherapy is to be weighed in the MDT; the guideline advises it in one section and "
    "advises against WBRT in melanoma in another.",
    "I-15": "A haematological malignancy in the differential while a primary is known: histology "
    "is needed (only tissue excludes lymphoma); steroids are withheld until the biopsy; in the "
    "treatment pathway, tissue first.",
    "I-16": "Cytology stays negative while the MRI is suggestive of LM: probable LM (EANO-ESMO "
    "2017): discuss in the MDT and continue with the treatment pathway.",
}
