"""The committed catalogs are complete, and the checks catch every kind of problem."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from dialogs.catalogs import (
    MAPPING_FILE,
    PROJECT_ROOT,
    check_all,
    check_placeholders,
    check_template,
    check_translations,
    compile_catalogs,
    extract_template,
    main,
    mo_path,
    po_path,
    template_path,
    update_catalogs,
)
from dialogs.i18n import load_messages

# --- the committed catalogs ----------------------------------------------------------------


@pytest.mark.parametrize("check", [check_template, check_translations, check_placeholders])
def test_committed_catalogs_have_no_problems(check: Callable[[Path], list[str]]) -> None:
    problems = check(PROJECT_ROOT)
    assert not problems, "run ./dev catalogs, then fill in the texts:\n" + "\n".join(problems)


def test_common_keys_are_extracted_and_logic_is_not_scanned() -> None:
    template = extract_template(PROJECT_ROOT)
    keys = {message.id for message in template if message.id}
    assert {"common.yes", "common.none_of_these", "deadline.within_hours"} <= keys
    for message in template:
        for filename, _line in message.locations:
            assert filename.split("/")[0] in {"dialogs", "bot"}


def test_check_command_passes_on_the_committed_catalogs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert capsys.readouterr().out == ""


# --- a small project in tmp_path -----------------------------------------------------------

CODE = dedent(
    """
    from dialogs.i18n import N_, translator

    # i18n: shown on a button
    KEPT = N_("a.kept")


    def greet(lang: str) -> str:
        t = translator(lang)
        return t("a.hello", name="Jansen")
    """
)
TEXTS = {
    "nl": {"a.kept": "Bewaard", "a.hello": "Hallo {name}"},
    "en": {"a.kept": "Kept", "a.hello": "Hello {name}"},
}


def write_po_file(
    path: Path, lang: str, texts: dict[str, str], fuzzy: frozenset[str] = frozenset()
) -> None:
    """Write a well-formed .po file with the given texts."""
    catalog = Catalog(locale=lang, fuzzy=False)
    for key, text in texts.items():
        catalog.add(key, text, flags=["fuzzy"] if key in fuzzy else [])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fileobj:
        write_po(fileobj, catalog)


def read_texts(path: Path) -> dict[str, str]:
    with path.open("rb") as fileobj:
        return {str(m.id): str(m.string) for m in read_po(fileobj) if m.id}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A consistent project: code using two keys, and complete nl/en catalogs."""
    shutil.copy(PROJECT_ROOT / MAPPING_FILE, tmp_path / MAPPING_FILE)
    (tmp_path / "dialogs").mkdir()
    (tmp_path / "dialogs" / "greeting.py").write_text(CODE, encoding="utf-8")
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "menu.py").write_text('N_("b.menu")\n', encoding="utf-8")
    (tmp_path / "logic").mkdir()
    (tmp_path / "logic" / "rules.py").write_text('t("logic.never")\n', encoding="utf-8")
    texts = {lang: {**entries, "b.menu": f"menu {lang}"} for lang, entries in TEXTS.items()}
    update_catalogs(tmp_path)
    for lang, entries in texts.items():
        write_po_file(po_path(lang, tmp_path), lang, entries)
    assert check_all(tmp_path) == []
    return tmp_path


def add_code(project: Path, code: str) -> None:
    with (project / "dialogs" / "greeting.py").open("a", encoding="utf-8") as fileobj:
        fileobj.write(code)


def test_the_template_is_written_without_locations_or_header(project: Path) -> None:
    pot = template_path(project).read_text(encoding="utf-8")
    # sorted by key; translator comments kept; no "#:" locations, no dated header;
    # logic/ is not scanned
    assert pot == dedent(
        """\
        msgid "a.hello"
        msgstr ""

        #. shown on a button
        msgid "a.kept"
        msgstr ""

        msgid "b.menu"
        msgstr ""

        """
    )


def test_new_key_in_code_makes_the_template_stale(project: Path) -> None:
    add_code(project, 't("a.new")\n')
    problems = check_template(project)
    assert len(problems) == 1
    assert "locales/messages.pot: missing key 'a.new' used at dialogs/greeting.py:11" in problems[0]


def test_removed_key_makes_the_template_stale(project: Path) -> None:
    (project / "bot" / "menu.py").write_text("", encoding="utf-8")
    assert check_template(project) == [
        "locales/messages.pot: key 'b.menu' is no longer used in the code; "
        "run ./dev catalogs (python -m dialogs.catalogs update)"
    ]


def test_changed_translator_comment_makes_the_template_stale(project: Path) -> None:
    source = project / "dialogs" / "greeting.py"
    source.write_text(source.read_text().replace("on a button", "on a key"), encoding="utf-8")
    [problem] = check_template(project)
    assert "differs from a fresh extraction" in problem


def test_missing_template_is_reported(project: Path) -> None:
    template_path(project).unlink()
    assert "locales/messages.pot: missing" in check_template(project)[0]


def test_sentence_instead_of_key_is_reported(project: Path) -> None:
    add_code(project, 't("Are you sure?")\n')
    assert "'Are you sure?' is not a message key" in "\n".join(check_template(project))


def test_key_missing_from_a_po_is_reported(project: Path) -> None:
    write_po_file(po_path("en", project), "en", {"a.kept": "Kept", "b.menu": "Menu"})
    assert check_translations(project) == [
        "locales/en/LC_MESSAGES/messages.po: missing key 'a.hello'; "
        "run ./dev catalogs (python -m dialogs.catalogs update)"
    ]


def test_untranslated_key_is_reported(project: Path) -> None:
    write_po_file(po_path("nl", project), "nl", {**TEXTS["nl"], "b.menu": ""})
    assert check_translations(project) == [
        "locales/nl/LC_MESSAGES/messages.po: 'b.menu' is not translated"
    ]


def test_fuzzy_key_is_reported(project: Path) -> None:
    texts = {**TEXTS["nl"], "b.menu": "Menu"}
    write_po_file(po_path("nl", project), "nl", texts, fuzzy=frozenset({"a.kept"}))
    assert check_translations(project) == [
        "locales/nl/LC_MESSAGES/messages.po: 'a.kept' is marked fuzzy; check it and remove the flag"
    ]


def test_key_no_longer_used_in_a_po_is_reported(project: Path) -> None:
    texts = {**TEXTS["en"], "b.menu": "Menu", "a.gone": "Gone"}
    write_po_file(po_path("en", project), "en", texts)
    assert check_translations(project) == [
        "locales/en/LC_MESSAGES/messages.po: key 'a.gone' is no longer used in the code; "
        "run ./dev catalogs (python -m dialogs.catalogs update)"
    ]


def test_missing_po_is_reported(project: Path) -> None:
    po_path("nl", project).unlink()
    assert check_translations(project) == [
        "locales/nl/LC_MESSAGES/messages.po: missing; "
        "run ./dev catalogs (python -m dialogs.catalogs update)"
    ]


def test_different_placeholders_are_reported(project: Path) -> None:
    write_po_file(
        po_path("nl", project), "nl", {**TEXTS["nl"], "a.hello": "Hallo {naam}", "b.menu": "M"}
    )
    assert check_placeholders(project) == [
        "'a.hello': placeholders differ between languages: nl {naam}; en {name}"
    ]


def test_positional_placeholder_is_reported(project: Path) -> None:
    write_po_file(
        po_path("en", project), "en", {**TEXTS["en"], "a.hello": "Hello {}", "b.menu": "M"}
    )
    [problem] = check_placeholders(project)
    assert problem.startswith("locales/en/LC_MESSAGES/messages.po: 'a.hello': positional")


def test_check_command_reports_one_line_per_problem(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_code(project, 't("a.new")\n')
    write_po_file(po_path("nl", project), "nl", {**TEXTS["nl"], "b.menu": ""})
    assert main(["check", "--root", str(project)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert "missing key 'a.new'" in lines[0]
    assert "'b.menu' is not translated" in lines[1]


# --- update and compile --------------------------------------------------------------------


def test_update_adds_new_keys_empty_and_removes_unused_keys(project: Path) -> None:
    add_code(project, 't("a.hello_again")\n')
    (project / "bot" / "menu.py").write_text("", encoding="utf-8")
    changed = update_catalogs(project)
    assert changed == [template_path(project), po_path("nl", project), po_path("en", project)]
    assert read_texts(po_path("nl", project)) == {
        "a.hello": "Hallo {name}",
        "a.hello_again": "",  # new: empty, not fuzzy-matched to "a.hello"
        "a.kept": "Bewaard",
    }
    po_text = po_path("nl", project).read_text(encoding="utf-8")
    assert "fuzzy" not in po_text
    assert "#~" not in po_text  # obsolete entries are dropped, not kept as comments
    assert check_template(project) == []
    assert check_translations(project) == [
        "locales/nl/LC_MESSAGES/messages.po: 'a.hello_again' is not translated",
        "locales/en/LC_MESSAGES/messages.po: 'a.hello_again' is not translated",
    ]


def test_update_twice_changes_nothing(project: Path) -> None:
    update_catalogs(project)
    before = {path: path.read_bytes() for path in (project / "locales").rglob("*.po*")}
    assert update_catalogs(project) == []
    assert {path: path.read_bytes() for path in before} == before


def test_update_creates_a_missing_po(project: Path) -> None:
    po_path("en", project).unlink()
    update_catalogs(project)
    po_text = po_path("en", project).read_text(encoding="utf-8")
    assert "Language: en" in po_text
    assert "fuzzy" not in po_text  # a fuzzy header would make pybabel skip the catalog
    assert set(read_texts(po_path("en", project))) == {"a.hello", "a.kept", "b.menu"}


def test_compile_writes_the_mo_files(project: Path) -> None:
    assert main(["compile", "--root", str(project)]) == 0
    assert compile_catalogs(project) == [mo_path("nl", project), mo_path("en", project)]
    assert load_messages("nl", project / "locales")["a.hello"] == "Hallo {name}"
