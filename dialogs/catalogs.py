"""Maintain the message catalogs: ``python -m dialogs.catalogs update|check|compile``.

``update``
    Extract the keys used in ``dialogs/`` and ``bot/`` (mapping in ``babel.cfg``) into
    ``locales/messages.pot`` and merge them into the nl and en ``.po`` files: new keys
    get an empty text, keys the code no longer uses are removed, nothing is fuzzy-matched.
    Then lists what still needs a text.
``check``
    Exit 1 with one line per problem: the committed ``.pot`` differs from a fresh
    extraction, a key is missing, untranslated or fuzzy in a ``.po``, a ``.po`` holds a key
    the code no longer uses, or the ``{placeholders}`` of a key differ between languages.
``compile``
    Write the ``.mo`` files (build output, not committed).

The files are written without source locations and sorted by key, so they only change
when keys or texts change.  The check functions return lists of problems for the tests.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from dialogs.i18n import DOMAIN, LANGUAGES, LOCALES_DIR, compile_po, placeholders

__all__ = [
    "KEY_PATTERN",
    "PROJECT_ROOT",
    "check_all",
    "check_placeholders",
    "check_template",
    "check_translations",
    "compile_catalogs",
    "extract_template",
    "main",
    "mo_path",
    "po_path",
    "render_template",
    "template_path",
    "update_catalogs",
]

#: The project tree holding ``babel.cfg`` and ``locales/``.
PROJECT_ROOT = LOCALES_DIR.parent
MAPPING_FILE = "babel.cfg"
#: A message key: lower-case dotted words, at least two parts ("common.yes").
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
UPDATE_HINT = "run ./dev catalogs (python -m dialogs.catalogs update)"

_PROJECT = "neuro-onco-bot"
_LANGUAGE_NAMES = {"nl": "Dutch", "en": "English"}
_PO_HEADER = (
    "# {name} texts of neuro-onco-bot.\n"
    "# The msgids are message keys (see dialogs/i18n.py): write the texts\n"
    "# in msgstr only. `./dev catalogs` adds and removes the keys."
)


def template_path(root: Path = PROJECT_ROOT) -> Path:
    """Path of the committed template ``locales/messages.pot``."""
    return root / "locales" / f"{DOMAIN}.pot"


def po_path(lang: str, root: Path = PROJECT_ROOT) -> Path:
    """Path of the committed ``.po`` file of *lang*."""
    return root / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str, root: Path = PROJECT_ROOT) -> Path:
    """Path of the compiled ``.mo`` file of *lang*."""
    return po_path(lang, root).with_suffix(".mo")


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


# --- extraction ----------------------------------------------------------------------------


def extract_template(root: Path = PROJECT_ROOT) -> Catalog:
    """Extract the message keys from the source files named in ``babel.cfg``.

    The returned template keeps the source locations (for problem reports); they are
    not written to the ``.pot``.
    """
    mapping = root / MAPPING_FILE
    with mapping.open(encoding="utf-8") as fileobj:
        # Babel leaves this function unannotated.
        parsed = parse_mapping_cfg(fileobj, str(mapping))  # type: ignore[no-untyped-call]
    method_map, options_map = parsed
    top_dirs = {pattern.split("/", 1)[0] for pattern, _method in method_map}

    def directory_filter(dirpath: str) -> bool:
        parts = Path(os.path.relpath(dirpath, root)).parts
        hidden = any(part.startswith((".", "_")) for part in parts)
        return bool(parts) and parts[0] in top_dirs and not hidden

    template = Catalog(domain=DOMAIN, project=_PROJECT, fuzzy=False)
    # Keywords and comment tags come from babel.cfg only (no gettext defaults such as "_").
    for filename, lineno, key, comments, context in extract_from_dir(
        root,
        method_map,
        options_map,
        keywords={},
        strip_comment_tags=True,
        directory_filter=directory_filter,
    ):
        template.add(key, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def render_template(template: Catalog) -> bytes:
    """The ``.pot`` bytes for *template*: no header, no locations, sorted by key."""
    buffer = BytesIO()
    write_po(buffer, template, no_location=True, omit_header=True, sort_output=True)
    return buffer.getvalue()


def _render_po(catalog: Catalog) -> bytes:
    buffer = BytesIO()
    write_po(buffer, catalog, no_location=True, sort_output=True, ignore_obsolete=True)
    return buffer.getvalue()


def _read_po(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fileobj:
        return read_po(fileobj, locale=locale, domain=DOMAIN)


def _new_po(lang: str) -> Catalog:
    name = _LANGUAGE_NAMES.get(lang, lang)
    return Catalog(
        locale=lang,
        domain=DOMAIN,
        header_comment=_PO_HEADER.format(name=name),
        project=_PROJECT,
        version="1",
        language_team=f"{name} <{lang}>",
        last_translator="neuro-onco-bot developers",
        fuzzy=False,
    )


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


# --- commands ------------------------------------------------------------------------------


def update_catalogs(root: Path = PROJECT_ROOT) -> list[Path]:
    """Re-extract the template and merge it into every ``.po``; return the files changed."""
    template = extract_template(root)
    changed: list[Path] = []
    if _write_if_changed(template_path(root), render_template(template)):
        changed.append(template_path(root))
    for lang in LANGUAGES:
        path = po_path(lang, root)
        catalog = _read_po(path, lang) if path.exists() else _new_po(lang)
        catalog.update(
            template,
            no_fuzzy_matching=True,
            update_header_comment=False,
            keep_user_comments=True,
            update_creation_date=False,
        )
        if _write_if_changed(path, _render_po(catalog)):
            changed.append(path)
    return changed


def compile_catalogs(root: Path = PROJECT_ROOT) -> list[Path]:
    """Write the ``.mo`` of every language that has a ``.po``; return the files written."""
    written = []
    for lang in LANGUAGES:
        source = po_path(lang, root)
        if source.exists():
            target = mo_path(lang, root)
            target.write_bytes(compile_po(source))
            written.append(target)
    return written


# --- checks --------------------------------------------------------------------------------


def _keys(catalog: Catalog) -> set[str]:
    return {str(message.id) for message in catalog if message.id}


def _where(message: Message) -> str:
    return ", ".join(f"{file}:{line}" for file, line in message.locations) or "?"


def check_template(root: Path = PROJECT_ROOT) -> list[str]:
    """Problems with the keys in the code and the committed ``.pot``."""
    fresh = extract_template(root)
    problems = [
        f"{_where(message)}: {message.id!r} is not a message key; "
        "use a dotted key such as 'common.yes'"
        for message in fresh
        if message.id and not KEY_PATTERN.fullmatch(str(message.id))
    ]
    path = template_path(root)
    name = _rel(path, root)
    if not path.exists():
        return [*problems, f"{name}: missing; {UPDATE_HINT}"]
    if path.read_bytes() == render_template(fresh):
        return problems
    committed = _keys(_read_po(path))
    for message in fresh:
        if message.id and message.id not in committed:
            problems.append(
                f"{name}: missing key {message.id!r} used at {_where(message)}; {UPDATE_HINT}"
            )
    for key in sorted(committed - _keys(fresh)):
        problems.append(f"{name}: key {key!r} is no longer used in the code; {UPDATE_HINT}")
    if committed == _keys(fresh):
        problems.append(f"{name}: differs from a fresh extraction; {UPDATE_HINT}")
    return problems


def _template_for_checks(root: Path) -> Catalog:
    path = template_path(root)
    return _read_po(path) if path.exists() else extract_template(root)


def check_translations(root: Path = PROJECT_ROOT) -> list[str]:
    """Keys of the ``.pot`` missing, untranslated or fuzzy in a ``.po``, and stale keys."""
    expected = sorted(_keys(_template_for_checks(root)))
    problems: list[str] = []
    for lang in LANGUAGES:
        path = po_path(lang, root)
        name = _rel(path, root)
        if not path.exists():
            problems.append(f"{name}: missing; {UPDATE_HINT}")
            continue
        catalog = _read_po(path, lang)
        if catalog.fuzzy:
            problems.append(f"{name}: the header is marked fuzzy, so the catalog is not compiled")
        for key in expected:
            message = catalog.get(key)
            if message is None:
                problems.append(f"{name}: missing key {key!r}; {UPDATE_HINT}")
            elif not message.string:
                problems.append(f"{name}: {key!r} is not translated")
            elif message.fuzzy:
                problems.append(f"{name}: {key!r} is marked fuzzy; check it and remove the flag")
        for key in sorted(_keys(catalog) - set(expected)):
            problems.append(f"{name}: key {key!r} is no longer used in the code; {UPDATE_HINT}")
        for key in sorted(map(str, catalog.obsolete)):
            problems.append(f"{name}: obsolete entry {key!r}; {UPDATE_HINT}")
    return problems


def check_placeholders(root: Path = PROJECT_ROOT) -> list[str]:
    """Malformed texts, and keys whose ``{placeholders}`` differ between the languages."""
    problems: list[str] = []
    found: dict[str, dict[str, set[str]]] = {}
    for lang in LANGUAGES:
        path = po_path(lang, root)
        if not path.exists():
            continue  # reported by check_translations
        for message in _read_po(path, lang):
            if not (message.id and isinstance(message.string, str) and message.string):
                continue
            key = str(message.id)
            try:
                found.setdefault(key, {})[lang] = placeholders(message.string)
            except ValueError as exc:
                problems.append(f"{_rel(path, root)}: {key!r}: {exc}")
    for key, by_lang in sorted(found.items()):
        if len({frozenset(names) for names in by_lang.values()}) > 1:
            listed = "; ".join(
                f"{lang} {{{', '.join(sorted(names))}}}" for lang, names in by_lang.items()
            )
            problems.append(f"{key!r}: placeholders differ between languages: {listed}")
    return problems


def check_all(root: Path = PROJECT_ROOT) -> list[str]:
    """All problems found by the checks above."""
    return check_template(root) + check_translations(root) + check_placeholders(root)


# --- command line --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``update``, ``check`` or ``compile``; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m dialogs.catalogs", description="Maintain the message catalogs."
    )
    parser.add_argument("command", choices=("update", "check", "compile"))
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()

    if args.command == "update":
        for path in update_catalogs(root):
            print(f"updated {_rel(path, root)}")
        todo = check_translations(root) + check_placeholders(root)
        for problem in todo:
            print(f"to do: {problem}")
        print(f"{len(todo)} catalog problem(s) left" if todo else "catalogs are complete")
        return 0
    if args.command == "compile":
        for path in compile_catalogs(root):
            print(f"compiled {_rel(path, root)}")
        return 0
    problems = check_all(root)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
