import pytest

from patientlab.core.text import (
    fold,
    kandel_moles,
    plain_from_html,
    sentences,
    syllables_by_rule,
    words,
)


def test_fold_removes_case_and_accents():
    assert fold("Sein") == fold("sein") == "sein"
    assert fold("Nutrition, ACTIVITÉ physique") == "nutrition, activite physique"
    assert fold("cœur") == "coeur"


@pytest.mark.parametrize(
    ("word", "expected"),
    [("le", 1), ("chat", 1), ("table", 1), ("patient", 2), ("patients", 2),
     ("recherche", 2), ("cancer", 2), ("essai", 2), ("clinique", 2), ("équipe", 2),
     ("l’équipe", 2), ("biomarqueur", 3), ("quelque", 1), ("guérir", 2), ("vie", 1),
     ("immunothérapie", 6), ("aidants", 2), ("qualité", 3)],
)
def test_french_syllables_by_rule(word, expected):
    assert syllables_by_rule(word) == expected


def test_words_and_sentences():
    text = "Le chat dort. Il fait beau aujourd’hui ! Pourquoi pas ?\nUne ligne de liste"
    assert sentences(text) == ["Le chat dort.", "Il fait beau aujourd’hui !", "Pourquoi pas ?",
                               "Une ligne de liste"]
    assert words("L’essai dure 12 mois.") == ["L’essai", "dure", "12", "mois"]


def test_formula_matches_kandel_and_moles():
    # 207 − 1.015 × 10/2 − 73.6 × 15/10
    assert kandel_moles(10, 2, 15) == pytest.approx(207 - 5.075 - 110.4)
    assert kandel_moles(0, 0, 0) == 0.0


def test_plain_from_html_keeps_one_line_per_paragraph():
    html = "<p>Un <strong>premier</strong> paragraphe.</p><ul><li>un</li><li>deux</li></ul>"
    assert plain_from_html(html) == "Un premier paragraphe.\nun\ndeux"


def test_plain_from_html_shows_link_addresses_when_asked():
    from patientlab.core.sanitize import rich_text
    from patientlab.core.text import plain_from_html

    stored = rich_text('<p>Voir <a href="https://evil.example/p?a=1&amp;b=2">7 femmes</a> '
                       "et https://exemple.fr/etude.</p>")
    assert plain_from_html(stored, links=True) == (
        "Voir 7 femmes (https://evil.example/p?a=1&b=2) et https://exemple.fr/etude.")
    assert plain_from_html(stored) == "Voir 7 femmes et https://exemple.fr/etude."
