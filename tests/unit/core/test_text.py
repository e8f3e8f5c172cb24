import pytest

from patientlab.core.text import (
    find_terms,
    fold,
    kandel_moles,
    plain_from_html,
    readability,
    sentences,
    syllables,
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
def test_french_syllables(word, expected):
    assert syllables(word) == expected


def test_words_and_sentences():
    text = "Le chat dort. Il fait beau aujourd’hui ! Pourquoi pas ?\nUne ligne de liste"
    assert sentences(text) == ["Le chat dort.", "Il fait beau aujourd’hui !", "Pourquoi pas ?",
                               "Une ligne de liste"]
    assert words("L’essai dure 12 mois.") == ["L’essai", "dure", "12", "mois"]


def test_formula_matches_kandel_and_moles():
    # 207 − 1.015 × 10/2 − 73.6 × 15/10
    assert kandel_moles(10, 2, 15) == pytest.approx(207 - 5.075 - 110.4)
    assert kandel_moles(0, 0, 0) == 0.0


def test_short_plain_sentences_are_easy():
    # Le(1) chat(1) dort(1). Il(1) fait(1) beau(1) !  → 6 words, 2 sentences, 6 syllables
    result = readability("Le chat dort. Il fait beau !")
    assert (result.words, result.sentences, result.syllables) == (6, 2, 6)
    assert result.score == pytest.approx(round(207 - 1.015 * 3 - 73.6, 1))
    assert str(result.level) == "facile"


def test_long_technical_sentence_is_very_difficult_and_shows_jargon():
    text = ("Cette étude multicentrique randomisée évaluera l’efficacité d’une "
            "immunothérapie adjuvante sur la survie sans progression des patientes atteintes "
            "d’un cancer du sein métastatique, en intégrant des biomarqueurs génomiques "
            "circulants et des mesures de qualité de vie relative à la santé.")
    result = readability(text)
    assert result.score < 40
    assert str(result.level) == "très difficile"
    assert result.longest_sentences
    assert result.longest_sentences[0][0] > 20
    assert "multicentrique" in result.jargon
    assert "survie sans progression" in result.jargon
    assert "immunothérapie" in result.jargon


def test_glossary_terms_count_as_jargon():
    result = readability("Nous suivrons une cohorte de femmes.", extra_terms=["Cohorte"])
    assert "Cohorte" in result.jargon or "cohorte" in result.jargon


def test_find_terms_matches_whole_words_only():
    assert find_terms("Un essai clinique.", ["essai clinique", "essai"]) == [
        "essai clinique", "essai"]
    assert find_terms("Les essais", ["essai"]) == []


def test_plain_from_html_keeps_one_line_per_paragraph():
    html = "<p>Un <strong>premier</strong> paragraphe.</p><ul><li>un</li><li>deux</li></ul>"
    assert plain_from_html(html) == "Un premier paragraphe.\nun\ndeux"
