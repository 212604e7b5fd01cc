"""Translation of user-facing texts (Dutch and English).

Every text the bot shows is identified by a stable dotted *key* such as ``common.yes`` or
``advice.mri_within_hours``.  The real texts live in the gettext catalogs
``locales/<lang>/LC_MESSAGES/messages.po`` -- English is a catalog like Dutch, not the key.

Usage in ``dialogs/`` and ``bot/``::

    from dialogs.i18n import N_, translator

    t = translator("nl")
    t("common.yes")                                  # -> "Ja"
    t("deadline.within_hours", hours=12, clock=...)  # str.format placeholders

    QUESTION = N_("q.spine_dx.triggers")             # mark a key used indirectly
    t(QUESTION)

Only literal keys in ``t("...")`` and ``N_("...")`` calls are found by the extraction
(``python -m dialogs.catalogs update``), so keep the translator bound to the name ``t``
and declare keys built at run time with ``N_``.  A comment starting with ``i18n:`` just
above a call is copied into the catalogs as a note for translators.  Placeholders use
``{name}``; write a literal brace as ``{{`` or ``}}``.
"""

from __future__ import annotations

import functools
import logging
import string
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

import locales

__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "FALLBACK_LANGUAGE",
    "LANGUAGES",
    "LOCALES_DIR",
    "N_",
    "MissingPlaceholderError",
    "Translator",
    "compile_po",
    "load_messages",
    "normalize_language",
    "placeholders",
    "reload_catalogs",
    "translator",
]

log = logging.getLogger(__name__)

LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
#: Texts missing from a catalog are taken from this language before falling back to the key.
FALLBACK_LANGUAGE = "en"
DOMAIN = "messages"


def _locales_dir() -> Path:
    file = locales.__file__
    if file is None:  # pragma: no cover - only for a namespace package
        raise RuntimeError("the 'locales' package needs an __init__.py")
    return Path(file).resolve().parent


#: Folder holding ``messages.pot`` and ``<lang>/LC_MESSAGES/messages.{po,mo}``.
LOCALES_DIR = _locales_dir()


def N_(key: str) -> str:
    """Mark *key* as a message key for extraction and return it unchanged."""
    return key


class MissingPlaceholderError(KeyError):
    """A message needs a ``{placeholder}`` the caller did not pass."""

    def __init__(self, key: str, lang: str, placeholder: str, given: Mapping[str, object]):
        self.key = key
        self.lang = lang
        self.placeholder = placeholder
        names = ", ".join(sorted(given)) or "none"
        super().__init__(
            f"message {key!r} ({lang}) needs placeholder {{{placeholder}}}; "
            f"parameters given: {names}"
        )

    def __str__(self) -> str:
        # KeyError would show the repr of the message; show the message itself.
        return str(self.args[0])


def placeholders(text: str) -> set[str]:
    """Return the names of the ``{name}`` placeholders in *text*.

    Raises ValueError for a malformed format string or a positional placeholder
    (``{}`` or ``{0}``): messages must name their placeholders.
    """
    names: set[str] = set()
    for _literal, field, spec, _conversion in string.Formatter().parse(text):
        if field is None:
            continue
        name = field.split(".", 1)[0].split("[", 1)[0]
        if not name or name.isdigit():
            raise ValueError(f"positional placeholder {{{field}}}; use a name such as {{hours}}")
        names.add(name)
        if spec:
            names |= placeholders(spec)
    return names


class Translator:
    """Looks up and formats the texts of one language.

    Call it with a key and the placeholder values: ``t("error.number_range", value=..)``.
    A key missing from this language falls back to the *fallback* texts (English), then
    to the key itself, and logs a warning naming the key (never the parameters).
    """

    def __init__(
        self,
        lang: str,
        messages: Mapping[str, str],
        fallback: Mapping[str, str] | None = None,
    ) -> None:
        self.lang = lang
        self._messages = messages
        self._fallback = fallback or {}

    def __repr__(self) -> str:
        return f"<Translator {self.lang}: {len(self._messages)} messages>"

    def has(self, key: str) -> bool:
        """Whether this language has a (non-empty) text for *key*."""
        return key in self._messages

    def __call__(self, key: str, /, **params: object) -> str:
        """Return the text for *key* with its placeholders filled in from *params*.

        Raises MissingPlaceholderError (a KeyError) when a placeholder has no value.
        """
        text = self._messages.get(key)
        if text is None:
            log.warning("no %s translation for message key %s", self.lang, key)
            text = self._fallback.get(key, key)
        try:
            return text.format(**params)
        except KeyError as exc:
            raise MissingPlaceholderError(key, self.lang, str(exc.args[0]), params) from None
        except (IndexError, ValueError) as exc:
            raise ValueError(f"message {key!r} ({self.lang}) is malformed: {exc}") from None


def compile_po(po_path: Path) -> bytes:
    """Compile a ``.po`` file to ``.mo`` bytes in memory (fuzzy entries are left out)."""
    with po_path.open("rb") as fileobj:
        catalog = read_po(fileobj, locale=po_path.parent.parent.name, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _catalog_paths(lang: str, locales_dir: Path) -> tuple[Path, Path]:
    folder = locales_dir / lang / "LC_MESSAGES"
    return folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"


def load_messages(lang: str, locales_dir: Path | None = None) -> dict[str, str]:
    """Read the texts of *lang* as a ``{key: text}`` dict (untranslated keys left out).

    Uses the compiled ``.mo`` unless it is missing or older than the ``.po``; then the
    ``.po`` is compiled in memory, so a fresh checkout never shows raw keys.
    """
    po_path, mo_path = _catalog_paths(lang, locales_dir or LOCALES_DIR)
    po_mtime = po_path.stat().st_mtime if po_path.exists() else None
    if mo_path.exists() and (po_mtime is None or mo_path.stat().st_mtime >= po_mtime):
        data = mo_path.read_bytes()
    elif po_mtime is not None:
        log.info("compiling %s in memory (no up-to-date .mo)", po_path)
        data = compile_po(po_path)
    else:
        log.error("no catalog for language %s in %s", lang, po_path.parent)
        return {}
    catalog = read_mo(BytesIO(data))
    return {
        message.id: message.string
        for message in catalog
        if isinstance(message.id, str)
        and message.id
        and isinstance(message.string, str)
        and message.string
    }


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(
            f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)} "
            "(normalize_language() maps Telegram language codes)"
        )


@functools.cache
def _messages(lang: str) -> Mapping[str, str]:
    return load_messages(lang)


@functools.cache
def translator(lang: str) -> Translator:
    """Return the (cached) translator for *lang*, one of LANGUAGES.

    Raises ValueError for any other language.  ``translator.cache_clear()`` and
    ``reload_catalogs()`` drop the cache.
    """
    _check_language(lang)
    fallback = None if lang == FALLBACK_LANGUAGE else _messages(FALLBACK_LANGUAGE)
    return Translator(lang, _messages(lang), fallback)


def reload_catalogs() -> None:
    """Forget the loaded catalogs; the next translator() call reads them again."""
    _messages.cache_clear()
    translator.cache_clear()


def normalize_language(code: str | None) -> str:
    """Map a Telegram ``language_code`` ("nl-BE", "en_US", "de", None) to a LANGUAGES entry.

    The primary subtag decides; anything unsupported gets DEFAULT_LANGUAGE.
    """
    if not code:
        return DEFAULT_LANGUAGE
    primary = code.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE
