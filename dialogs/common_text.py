"""Message keys shared by all dialogs: answer buttons, navigation, generic errors.

Use them as ``t(common_text.YES)``; the texts are in ``locales/<lang>/LC_MESSAGES``.
"""

from __future__ import annotations

from dialogs.i18n import N_

__all__ = [
    "BACK",
    "DEADLINE_WITHIN_HOURS",
    "NO",
    "NONE_OF_THESE",
    "NUMBER_RANGE_ERROR",
    "RESTART",
    "UNKNOWN",
    "YES",
]

# i18n: answer button
YES = N_("common.yes")
# i18n: answer button
NO = N_("common.no")
# i18n: answer button when the clinician does not know the answer
UNKNOWN = N_("common.unknown")
# i18n: button that returns to the previous question
BACK = N_("common.back")
# i18n: button that discards all answers and starts the dialog again
RESTART = N_("common.restart")
# i18n: answer button below a list of options
NONE_OF_THESE = N_("common.none_of_these")
# i18n: {value} is the number typed, {low} and {high} the allowed range, {unit} e.g. "mm"
NUMBER_RANGE_ERROR = N_("error.number_range")
# i18n: {hours} is a whole number, {clock} a local day and time such as "Sun 22 Nov, 03:47"
DEADLINE_WITHIN_HOURS = N_("deadline.within_hours")
