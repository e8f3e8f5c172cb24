"""A page that presents a legal or consent text never shows it empty.

The charter page once said « Version 2026-1 » and nothing else (its text was an empty
file), and people accepted it. Each page below is rendered as its reader sees it; its text,
headings, version line, navigation and forms left aside, must say something substantial.
Each consent box must say what one agrees to and, where it refers to a text, link to it.
"""

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import delete

from patientlab.auth import services as svc
from patientlab.auth.models import CharterAcceptance
from patientlab.extensions import db
from tests.factories import UserFactory, make_event

MIN_WORDS = 150
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
LEFT_ASIDE = {"h1", "nav", "form", "script", "template"}


class _MainText(HTMLParser):
    """The text of <main>, without its <h1>, navigation, forms and « meta » lines."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []  # (tag, left aside)
        self.in_main = False
        self.words: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main = True
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        aside = (bool(self.stack) and self.stack[-1][1]) or tag in LEFT_ASIDE or \
            "meta" in classes or "breadcrumb" in classes
        self.stack.append((tag, aside))

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.in_main and not (self.stack and self.stack[-1][1]):
            self.words.extend(data.split())


def body_words(html: str) -> list[str]:
    parser = _MainText()
    parser.feed(html)
    return parser.words


def _reviewer_to_accept(web, lang, *, accepted_before: bool):
    """A patient expert sent to the acceptance page: for the first time, or after a new
    version was published."""
    martine = UserFactory(email="martine@exemple.fr", roles=["patient_expert"], locale=lang)
    if accepted_before:
        admin = UserFactory(roles=["admin"])
        svc.publish_charter(admin, "2027-1", "Les relectures se font aussi par téléphone.",
                            "<p>Texte de la version 2027-1.</p>" * 60,
                            "Reviews also by phone.", "<p>Text of version 2027-1.</p>" * 60)
    else:
        db.session.execute(delete(CharterAcceptance).where(
            CharterAcceptance.user_id == martine.id))
    db.session.commit()
    web.login("martine@exemple.fr")
    return "/compte/charte"


LEGAL_PAGES = {
    "charter": lambda web, lang: "/charte",
    "first acceptance": lambda web, lang: _reviewer_to_accept(web, lang, accepted_before=False),
    "acceptance of a new version": lambda web, lang: _reviewer_to_accept(
        web, lang, accepted_before=True),
    "privacy notice": lambda web, lang: "/confidentialite",
    "accessibility statement": lambda web, lang: "/accessibilite",
}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", list(LEGAL_PAGES))
def test_a_legal_text_is_never_empty(web, name, lang):
    web.get(f"/langue/{lang}")
    url = LEGAL_PAGES[name](web, lang)
    response = web.get(url)
    assert response.status_code == 200, name
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}"' in html
    words = body_words(html)
    assert len(words) >= MIN_WORDS, f"{name} ({lang}): {' '.join(words)!r}"


def test_the_text_measure_fails_on_a_page_that_only_names_its_version():
    """The page as it was: a title, a version line and an empty text."""
    html = ('<html><body><nav><a href="/">Accueil</a></nav><main id="contenu">'
            '<h1>Charte de participation</h1><p class="meta">Version 2026-1</p>'
            '<form><label>J’ai lu la charte</label></form></main></body></html>')
    assert body_words(html) == []


def _consent_labels(html: str) -> list[str]:
    """The labels of the consent boxes (a checkbox whose label says « J’accepte », « J’ai
    lu », « Je comprends »…)."""
    labels = re.findall(r'<label for="([^"]+)"[^>]*>(.*?)</label>', html, re.S)
    boxes = set(re.findall(r'<input[^>]*type="checkbox"[^>]*id="([^"]+)"', html)) | \
        set(re.findall(r'<input[^>]*id="([^"]+)"[^>]*type="checkbox"', html))
    return [re.sub(r"<[^>]+>|\s+", " ", text).strip() for for_, text in labels
            if for_ in boxes and for_.endswith(("charter", "consent"))]


def test_every_consent_box_says_what_one_agrees_to_and_links_to_its_text(web):
    event = make_event()
    UserFactory(email="claire@exemple.fr")
    db.session.commit()
    pages = {"/compte/inscription": "/charte",
             f"/clara/evenements/{event.id}/inscription?places=1": None}
    for url, text in pages.items():
        html = web.get(url).get_data(as_text=True)
        labels = _consent_labels(html)
        assert labels, url
        for label in labels:
            assert len(label.split()) >= 6, (url, label)
        if text:
            assert f'href="{text}"' in html, url
    web.login("claire@exemple.fr")
    html = web.get("/compte/role").get_data(as_text=True)
    assert _consent_labels(html)
    assert 'href="/charte"' in html
    assert len(body_words(web.get("/charte").get_data(as_text=True))) >= MIN_WORDS
