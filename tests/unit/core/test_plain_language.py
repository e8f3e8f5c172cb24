"""The writing help against what a plain-language editor flags: precision and recall on
the project's corpus (tests/data/plain_language.json), syllables against a list of
words with known counts (tests/data/syllables.json), and each kind of note."""

import json
from pathlib import Path

import pytest

from patientlab.core import plain_language as pl
from patientlab.core.text import syllables_by_rule
from patientlab.core.typography import french_spacing as fr

DATA = Path(__file__).resolve().parents[2] / "data"
CORPUS = json.loads((DATA / "plain_language.json").read_text(encoding="utf-8"))["summaries"]
SYLLABLES = json.loads((DATA / "syllables.json").read_text(encoding="utf-8"))["words"]
# The demo's glossary explains these: linked on the page, so never flagged.
GLOSSARY = {"chimiothérapie": "Des médicaments…", "rémission": "Période où…",
            "cohorte": "Un groupe de personnes suivies…"}


def _scores(found: set, expected: set) -> tuple[int, int, int]:
    return len(found & expected), len(found - expected), len(expected - found)


def _rates(tp: int, fp: int, fn: int) -> tuple[float, float]:
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def test_the_checker_finds_what_an_editor_flags_on_the_corpus(capsys):
    acronyms = [0, 0, 0]
    rare = [0, 0, 0]
    misses = []
    for summary in CORPUS:
        analysis = pl.analyse(summary["text"], GLOSSARY)
        found_acronyms = {f.word for f in analysis.flags if f.kind == "acronym"}
        found_rare = {f.word for f in analysis.flags if f.kind == "rare"}
        expected_rare = set(summary["rare"]) - set(GLOSSARY)
        for totals, counts in ((acronyms, _scores(found_acronyms, set(summary["acronyms"]))),
                               (rare, _scores(found_rare, expected_rare))):
            totals[:] = [a + b for a, b in zip(totals, counts, strict=True)]
        misses += [f"{summary['name']}: missed {sorted(expected_rare - found_rare)}, "
                   f"false {sorted(found_rare - expected_rare)}"]
    acronym_p, acronym_r = _rates(*acronyms)
    rare_p, rare_r = _rates(*rare)
    with capsys.disabled():
        print(f"\n  writing help on {len(CORPUS)} summaries: acronyms and codes precision "
              f"{acronym_p:.2f} recall {acronym_r:.2f}; rare words precision {rare_p:.2f} "
              f"recall {rare_r:.2f} (Zipf < {pl.RARE_BELOW})")
    assert acronym_r >= 0.9, misses
    assert acronym_p >= 0.9, misses
    assert rare_r >= 0.8, misses
    assert rare_p >= 0.8, misses


@pytest.mark.parametrize("summary", [s for s in CORPUS if s["name"].startswith("plain-")],
                         ids=lambda s: s["name"])
def test_plain_summaries_raise_no_false_alarm(summary):
    assert pl.analyse(summary["text"], GLOSSARY).flags == []


def test_the_dictionary_counts_syllables_closer_than_the_old_rules(capsys):
    by_rule = sum(syllables_by_rule(w) == n for w, n in SYLLABLES.items())
    by_dictionary = sum(pl.syllables(w) == n for w, n in SYLLABLES.items())
    with capsys.disabled():
        print(f"\n  syllables right on {len(SYLLABLES)} words: hand-written rules "
              f"{by_rule}, hyphenation dictionary {by_dictionary}")
    assert by_dictionary > by_rule
    assert by_dictionary / len(SYLLABLES) >= 0.9


@pytest.mark.parametrize("code", ["EGFR", "QLQ-C30", "M3", "M12", "HER2+", "PROs", "FACIT-F"])
def test_acronyms_and_codes_are_flagged(code):
    assert pl.acronyms(f"Nous mesurons {code} chaque mois.") == [code]


def test_an_acronym_explained_in_the_text_or_the_glossary_is_not_flagged():
    text = ("Les questionnaires remplis par les patients (PROs) sont courts. Les PROs "
            "comptent. ECOG (l’état général) est noté.")
    assert pl.acronyms(text) == []
    assert pl.acronyms("Le SNDS est une base.", known=["SNDS"]) == []
    assert pl.acronyms("Un essai de phase II.") == []  # a number, not a code


def test_inflected_forms_count_as_their_common_word():
    assert pl.frequency("fatiguées") == pytest.approx(pl.frequency("fatigué"))
    assert pl.rare_words("Les patientes fatiguées évaluera inclura.") == []


def test_names_inside_a_sentence_are_not_rare_words():
    assert pl.rare_words("Nous travaillons avec le centre Léon Bérard à Grenoble.") == []


def test_plain_words_of_the_coordination_are_flagged_with_their_alternatives():
    analysis = pl.analyse("Le critère de jugement est simple.",
                          plain_words={"critère de jugement": ("ce que l’on mesure",)})
    (flag,) = analysis.flags
    assert flag.word == "critère de jugement"
    assert flag.alternatives == ("ce que l’on mesure",)


def test_glossary_words_are_explained_not_flagged():
    analysis = pl.analyse("Nous suivrons une cohorte de femmes.", GLOSSARY)
    assert analysis.flags == []
    assert analysis.explained == ["cohorte"]


def test_sentences_passive_negations_and_numbers_in_words():
    text = ("Les patients seront suivis par une infirmière pendant trois mois. "
            "Personne ne sera exclu sans raison et nul ne paiera rien. "
            "Nous appellerons deux cents familles, soit 200 personnes.")
    notes = pl.sentence_notes(text)
    assert notes.passive == ["seront suivis par"]
    assert len(notes.negations) == 1
    assert notes.numbers_in_words == ["trois", "deux", "cents"]


def test_the_longest_sentences_are_shown_with_their_length():
    long_one = " ".join(["mot"] * 25) + "."
    notes = pl.sentence_notes(f"Une phrase courte. {long_one}")
    assert notes.longest == [(25, long_one)]


def test_every_score_says_what_it_means_in_words():
    easy = pl.analyse("Le chat dort. Il fait beau !")
    assert str(easy.level) == "facile à lire pour la plupart des adultes"
    dense = pl.analyse(CORPUS[0]["text"])
    assert dense.score < 60
    assert str(dense.level) == "difficile pour beaucoup de patients"
    assert str(pl.interpret(20)[0]) == fr("très difficile : un texte pour spécialistes")
