"""Every text path costs time in proportion to the text, whatever was typed.

A crafted text (« a.b- » × 1000 once took bleach's linkify seconds) must cost no more
than about ten times an ordinary text of the same, largest allowed, size. Each path is
timed on an ordinary lay summary and on inputs built to hit the worst case of a
tokenizer, a tree builder or a regular expression; the best of several runs is kept,
so a busy machine slows both sides alike.
"""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patientlab.core.plain_language import analyse
from patientlab.core.sanitize import plain_text, render_rich_text, rich_text
from patientlab.core.text import plain_from_html
from patientlab.projects.glossary import Term, mark_terms

SIZE = 6000  # the largest text field of a form
MAX_RATIO = 10

ORDINARY = (
    "<p>Nous voulons savoir si une activité physique adaptée, pratiquée deux fois par "
    "semaine, aide les patientes à mieux vivre leur traitement. Les séances ont lieu à "
    "l’hôpital ou près de chez vous, avec un professeur formé.</p>\n"
    "<ul><li>12 semaines de séances</li><li>un questionnaire tous les mois</li></ul>\n"
    "<p>Pour en savoir plus : https://exemple.fr/etude. Vous pouvez arrêter quand "
    "vous voulez, sans rien expliquer. <em>Votre avis compte</em>.</p>\n\n"
)

ADVERSARIAL = {
    "linkify": "a.b-",
    "dots": "a." * 3 + "-",
    "urls": "http://a.",
    "deep lists": "<ul><li>",
    "deep emphasis": "<em>",
    "misnested": "<em><strong></em>",
    "closing only": "</em>",
    "unclosed tags": "<a ",
    "unclosed attribute": '<a href="',
    "lone brackets": "<",
    "entities": "&#",
    "named entities": "&amp",
    "comments": "<!--",
    "list lines": "- \n",
    "blank lines": "\n \n",
    "empty items": "<li></li>",
    "words": "patient ",
    "apostrophes": "l’a-",
    "sentence ends": ".» ",
}


def _fill(unit: str) -> str:
    return (unit * (SIZE // len(unit) + 1))[:SIZE]


def _best_time(function, value, runs=5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        function(value)
        best = min(best, time.perf_counter() - start)
    return best


TERMS = [Term("qualité de vie", "qualite-de-vie", "…"), Term("patient", "patient", "…"),
         Term("a", "a", "…")]

PATHS = {
    "rich_text": rich_text,
    "render_rich_text": lambda v: render_rich_text(rich_text(v)),
    "plain_text": lambda v: plain_text(v, multiline=True),
    "readability": lambda v: analyse(plain_from_html(render_rich_text(rich_text(v))),
                                     {"cohorte": "Un groupe."}, {"ancillaire": ("annexe",)}),
    "readability of plain text": lambda v: analyse(plain_text(v, multiline=True)),
    "glossary links": lambda v: mark_terms(render_rich_text(rich_text(v)), TERMS, set()),
}


@pytest.mark.parametrize("path", list(PATHS))
def test_no_crafted_text_costs_more_than_ten_ordinary_ones(path):
    function = PATHS[path]
    ordinary = _best_time(function, _fill(ORDINARY))
    slow = {name: _best_time(function, _fill(unit)) / ordinary
            for name, unit in ADVERSARIAL.items()}
    worst = max(slow, key=slow.get)
    assert slow[worst] <= MAX_RATIO, f"{path}: {worst!r} costs {slow[worst]:.1f}× ordinary text"


@given(st.text(alphabet=st.sampled_from(list("<>/&;#\"'= \n-.aepliu:htsm")), max_size=200))
@settings(max_examples=200, deadline=None)
def test_cleaning_twice_changes_nothing(value):
    """Pages re-clean stored text: what was stored must come back unchanged."""
    once = rich_text(value)
    assert rich_text(once) == once


def test_deep_nesting_is_cut_not_lost():
    cleaned = rich_text("<ul><li>" * 100 + "fin")
    assert cleaned.count("<ul>") <= 12
    assert "fin" in cleaned


def test_misnested_tags_are_closed_in_order():
    assert rich_text("<em>a<strong>b</em>c") == "<em>a<strong>b</strong></em>c"


def test_bare_web_addresses_become_safe_links_and_stay_text_inside_links():
    cleaned = rich_text('Voir https://exemple.fr/a?b=1&amp;c=2. <a href="https://x.fr">'
                        "https://y.fr</a>")
    assert ('<a href="https://exemple.fr/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">'
            "https://exemple.fr/a?b=1&amp;c=2</a>.") in cleaned
    assert '<a href="https://x.fr" rel="noopener noreferrer nofollow">https://y.fr</a>' in cleaned


def test_comments_and_unknown_tags_go_but_their_words_stay():
    assert rich_text("a<!-- caché -->b <b>gras</b> <script>x</script>") == "ab gras x"


def test_glossary_links_each_term_once_even_when_repeated_a_thousand_times():
    html = render_rich_text("patient " * 1000)
    marked = str(mark_terms(html, TERMS, set()))
    assert marked.count('class="glossary-term"') == 1
