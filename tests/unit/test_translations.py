"""Every message in the code is translated in French and English, with the same placeholders."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    target = tmp_path_factory.mktemp("babel") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(  # noqa: S603 - fixed command line
        [str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
         "-k", "ngettext:1,2", "-o", str(target), "--no-location", "--project", "PatientLab",
         "--omit-header", "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with target.open("rb") as handle:
        return [m for m in read_po(handle) if m.id]


def _catalog(lang):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _key(message):
    return message.id if isinstance(message.id, str) else message.id[0]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_message_of_the_code_is_translated(extracted, lang):
    catalog = _catalog(lang)
    missing = []
    for message in extracted:
        entry = catalog.get(message.id if isinstance(message.id, str) else message.id[0])
        strings = entry and (entry.string if isinstance(entry.string, tuple)
                             else (entry.string,))
        if not entry or not all(strings) or entry.fuzzy:
            missing.append(_key(message))
    assert not missing, f"{len(missing)} untranslated in {lang}: {missing[:10]}"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_translations_keep_the_same_placeholders(lang):
    broken = []
    for entry in _catalog(lang):
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if sorted(PLACEHOLDER.findall(text)) != expected:
                broken.append(entry.id)
    assert not broken, broken


SAME_IN_BOTH = {"Version %(version)s", "Administration"}


def test_english_is_really_english():
    catalog = _catalog("en")
    same = [e.id for e in catalog if e.id and isinstance(e.id, str) and e.string == e.id
            and len(e.id) > 12 and e.id not in SAME_IN_BOTH]
    assert not same, f"copied, not translated: {same[:10]}"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_catalogue_is_not_marked_fuzzy(lang):
    """pybabel compile skips a catalogue whose header is fuzzy: it would not be used."""
    assert not _catalog(lang).fuzzy


def test_no_french_message_uses_the_point_median():
    """« patient·e expert·e » is hard to read with dyslexia and read badly by screen
    readers: epicene words and double forms instead (ACCESSIBILITY.md)."""
    found = []
    for entry in _catalog("fr"):
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        found += [text for text in (*ids, *strings) if text and "·" in text]
    assert not found, found[:10]


def test_french_messages_have_their_no_break_spaces():
    """No « ? », « ! », « ; » or « » » alone at the start of a line, nor « « » at the
    end of one (`make translations` adds the spaces)."""
    from patientlab.core.typography import french_spacing

    wrong = []
    for entry in _catalog("fr"):
        if not entry.id:
            continue  # the catalogue's header
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wrong += [text for text in strings if text and french_spacing(text) != text]
    assert not wrong, wrong[:5]
