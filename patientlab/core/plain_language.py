"""Writing help for lay summaries: what an experienced plain-language editor would flag.

- **Acronyms and codes** (« EGFR », « QLQ-C30 », « M3 », « HER2+ », « PROs »): every
  token of two capitals or more, or of letters and digits mixed, unless the text explains
  it (« les questionnaires de qualité de vie (PROs) », « ECOG (l’état général) ») or the
  glossary does.
- **Rare words**: a word most readers seldom meet, by its frequency in French on the
  Zipf scale (wordfreq: 3 is once per million words). Words are lightly normalised first
  (« fatiguées » is « fatigué », « évaluera » is « évaluer »): a word counts as its most
  frequent form. Words the glossary explains are linked on the page, never flagged; the
  coordination's « mots simples » are flagged with their plain alternatives.
- **Syllables** from LibreOffice's French hyphenation patterns (pyphen), for the score.
- **Sentences**: the longest, with their length; the passive voice (« les patients seront
  suivis par ») and stacked negations (« ne … pas … sans »); numbers written in words
  where FALC asks for digits (« trois mois » → « 3 mois »).

Everything here is linear in the length of the text.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

import pyphen
from flask_babel import lazy_gettext as _l
from wordfreq import zipf_frequency

from patientlab.core.registries import registry
from patientlab.core.text import (
    VOWELS,
    ends_mute,
    fold,
    interpret,
    kandel_moles,
    sentences,
    words,
)

#: Words less frequent than this (Zipf) are flagged: 3.3 is about twice in a million
#: words. Chosen on the project's corpus (tests/data/plain_language.json, with the
#: demo's glossary): recall 0.90 and precision 1.00 at 3.3; 0.77 recall from 3.0 to
#: 3.25 (« cohorte » 3.25, « prospective » 3.26 missed); at 3.5 false alarms on common
#: words (« indésirables » 3.41, « appellera »). Jargon senses of common words
#: (« rétrospective » 3.49, « toxicité » 3.44) are out of a frequency list's reach.
RARE_BELOW = 3.3
#: Shorter words are never « rare » (« ECG » is an acronym, « dû » is common).
MIN_RARE_LENGTH = 5
#: Longer « words » are not looked up in the dictionaries.
MAX_WORD = 40
#: A sentence longer than this is shown with its length.
LONG_SENTENCE = 20

# Two capitals or more (with digits, hyphens, « + », a plural « s »), or a letter code
# with digits (« M3 », « C30 »): « EGFR », « QLQ-C30 », « HER2+ », « PROs », « M6 ».
_ACRONYM = re.compile(
    r"(?<![\w-])(?:[A-ZÀ-Ý]{2,}[0-9]*(?:[-/][A-Z0-9]+)*\+?s?|[A-Z]{1,3}[0-9]+[A-Z0-9]*\+?)"
    r"(?![\w-])")
_ROMAN = re.compile(r"^[IVXLC]+$")
# « (PROs) » after words that explain it, or « ECOG (l’état général) ».
# Each starts only where a word starts, so a long run of letters is read once.
_EXPLAINED_AFTER = re.compile(r"(?<![\w’'-])\w[\w’'-]*\s+\(\s*([A-Z][\w+-]*)\s*\)")
_EXPLAINED_BEFORE = re.compile(r"(?<![\w+-])([A-Z][\w+-]*)\s+\(\s*[a-zà-ÿ]")

_PASSIVE = re.compile(
    r"\b(?:est|sont|sera|seront|serait|seraient|était|étaient|été|être|soit|soient)"
    r"\s+(?:\w+\s+)?(\w+(?:é|ée|és|ées|is|ise|ises|it|ite|its|ites|u|ue|us|ues))\s+"
    r"(?:par|pendant)\b", re.IGNORECASE)
_NEGATION_START = re.compile(r"\b(?:ne|n['’])", re.IGNORECASE)
_NEGATION_WORDS = re.compile(r"\b(?:pas|plus|jamais|rien|aucun|aucune|personne|ni|sans|"
                             r"guère|nullement)\b", re.IGNORECASE)
NUMBER_WORDS = (
    "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
    "douze", "treize", "quatorze", "quinze", "seize", "vingt", "trente", "quarante",
    "cinquante", "soixante", "cent", "cents", "mille", "dizaine", "dizaines", "douzaine",
    "douzaines", "centaine", "centaines", "millier", "milliers")
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)

# Light normalisation: the candidate base forms of an inflected word, most specific
# first (« fatiguées » → « fatiguée », « fatigué »).
_ENDINGS = (("ives", "if"), ("ive", "if"), ("ifs", "if"), ("euses", "eur"), ("euse", "eur"),
            ("trices", "teur"), ("trice", "teur"), ("aux", "al"), ("ales", "al"), ("ale", "al"),
            ("ées", "é"), ("ée", "é"), ("és", "é"), ("es", "e"), ("es", ""), ("s", ""),
            ("x", ""), ("e", ""),
            # verbs in the future and conditional (« évaluera », « analyserons »)
            ("eront", "er"), ("erons", "er"), ("erez", "er"), ("erait", "er"), ("era", "er"),
            ("iront", "ir"), ("irons", "ir"), ("irons", "ire"), ("ira", "ir"),
            ("ront", "re"), ("rons", "re"), ("ra", "re"))


@dataclass(frozen=True)
class Flag:
    word: str
    kind: str  # "acronym" or "rare"
    alternatives: tuple[str, ...] = ()  # plain words kept by the coordination

    @property
    def message(self) -> object:
        if self.kind == "acronym":
            return _l("Sigle ou code : expliquez-le ou écrivez-le en toutes lettres.")
        return _l("Mot rare : peu de lecteurs le connaissent. Expliquez-le ou remplacez-le.")


@dataclass
class SentenceNotes:
    longest: list[tuple[int, str]] = field(default_factory=list)
    passive: list[str] = field(default_factory=list)  # the passive phrases
    negations: list[str] = field(default_factory=list)  # sentences with stacked negations
    numbers_in_words: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="fr_FR", left=1, right=1)


_VOWEL_GROUP = re.compile(f"[{VOWELS}]+")


_ELISION = re.compile(r"^(?:[ldjnscmt]|qu)['’]")
_HIATUS_FIRST = "éèêâôîû"  # an accented vowel before another: two syllables (ré-a)
_HIATUS_NEXT = "éèêâôîïëü"  # a vowel before these: two syllables (a-é, po-è, na-ï)


def _vowel_sounds(piece: str, last: bool) -> int:
    """Vowel sounds in one piece: each group of vowels, split where two vowels are said
    apart (« réaction », « aéroport », « poème »), « ée » at the word's end once."""
    count = 0
    for match in _VOWEL_GROUP.finditer(piece):
        group = match.group(0)
        count += 1
        for i in range(len(group) - 1):
            a, b = group[i], group[i + 1]
            at_end = last and match.end() >= len(piece.rstrip("s")) and b == "e"
            glide = a in "iy" and b in "éèê"  # « infirmière », « pied »: one sound
            if (a in _HIATUS_FIRST and b != "e") or (b in _HIATUS_NEXT and not glide) \
                    or (a == "é" and b == "e" and not at_end):
                count += 1
    return count


def syllables(word: str) -> int:
    """Syllables of a French word as said aloud in careful speech (a final mute « e »
    not counted), from the hyphenation dictionary's cuts: each piece is a syllable, or
    more when the dictionary leaves vowels said apart together (« été », « poème »)."""
    w = _ELISION.sub("", word.lower().replace("’", "'")).replace("'", "")
    if not w:
        return 1
    if w.isdigit():
        return max(1, len(w))
    if len(w) > MAX_WORD:  # not a word (« l’a-l’a-l’a… »): its vowel groups will do
        return max(1, len(_VOWEL_GROUP.findall(w)))
    pieces = _dictionary().inserted(w).split("-")
    count = 0
    for index, piece in enumerate(pieces):
        piece = re.sub(r"gu(?=[eéèêiîy])", "g", piece.replace("qu", "q"))
        count += max(1, _vowel_sounds(piece, index == len(pieces) - 1))
    if count > 1 and ends_mute(re.sub(r"gu(?=e)", "g", w.replace("qu", "q"))):
        count -= 1
    return count


def _base_forms(word: str) -> list[str]:
    forms = [word]
    for ending, replacement in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            forms.append(word[: -len(ending)] + replacement)
    return forms


@lru_cache(maxsize=20_000)
def frequency(word: str) -> float:
    """Zipf frequency of the word's most frequent base form in French."""
    return max(zipf_frequency(form, "fr") for form in _base_forms(word.lower()))


def _explained_acronyms(text: str) -> set[str]:
    return {m.group(1) for m in _EXPLAINED_AFTER.finditer(text)} | {
        m.group(1) for m in _EXPLAINED_BEFORE.finditer(text)}


def acronyms(text: str, known=()) -> list[str]:
    """The acronyms and codes the text does not explain, once each, in order."""
    explained = _explained_acronyms(text) | {fold(k) for k in known} | set(known)
    found: dict[str, None] = {}
    for match in _ACRONYM.finditer(text):
        token = match.group(0)
        core = token.rstrip("s+") if token.endswith(("s", "+")) else token
        if _ROMAN.match(token) and len(token) <= 4:
            continue  # « phase II »: a number, said as one
        if token in explained or core in explained or fold(token) in explained:
            continue
        found.setdefault(token, None)
    return list(found)


def rare_words(text: str, known=()) -> list[str]:
    """Words most readers seldom meet, once each (by their folded form), in order;
    never a capitalised word inside a sentence (a name), an acronym or a known word."""
    known_folded = {fold(k) for k in known}
    seen: set[str] = set()
    found = []
    for sentence in sentences(text):
        for position, token in enumerate(words(sentence)):
            word = re.split(r"['’]", token)[-1]  # l’observance → observance
            if len(word) < MIN_RARE_LENGTH or (not word.isalpha() and "-" not in word):
                continue
            if position > 0 and word[0].isupper():
                continue  # a name: « Lyon », « Léon Bérard »
            if word.isupper():
                continue  # an acronym: see acronyms()
            key = fold(word)
            if key in seen or key in known_folded:
                continue
            seen.add(key)
            parts = word.lower().split("-")
            if min(frequency(part) for part in parts if part) < RARE_BELOW:
                found.append(word.lower())
    return found


def sentence_notes(text: str) -> SentenceNotes:
    notes = SentenceNotes()
    sentence_list = sentences(text)
    longest = sorted(((len(words(s)), s) for s in sentence_list), key=lambda p: -p[0])
    notes.longest = [(n, s) for n, s in longest if n > LONG_SENTENCE][:3]
    for sentence in sentence_list:
        notes.passive.extend(m.group(0) for m in _PASSIVE.finditer(sentence))
        if _NEGATION_START.search(sentence) and len(_NEGATION_WORDS.findall(sentence)) >= 2:
            notes.negations.append(sentence)
        notes.numbers_in_words.extend(m.group(0) for m in _NUMBER_WORD.finditer(sentence))
    return notes


@dataclass
class Analysis:
    """What the writing help says of a text: its score in words, what to change."""

    words: int
    sentences: int
    syllables: int
    score: float
    level: object  # « facile à lire pour la plupart des adultes »
    advice: object
    notes: SentenceNotes
    flags: list[Flag] = field(default_factory=list)
    explained: list[str] = field(default_factory=list)  # glossary words: linked, fine

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def longest_sentences(self) -> list[tuple[int, str]]:
        return self.notes.longest

    @property
    def to_change(self) -> int:
        """How many things the writer is asked to look at."""
        notes = self.notes
        return (len(self.flags) + len(notes.longest) + len(notes.passive)
                + len(notes.negations) + len(notes.numbers_in_words))


def _found_phrases(text: str, phrases) -> list[str]:
    folded = fold(text)
    return [p for p in phrases
            if re.search(rf"(?<!\w){re.escape(fold(p))}(?!\w)", folded)]


def analyse(text: str, glossary: dict[str, str] | None = None,
            plain_words: dict[str, tuple[str, ...]] | None = None) -> Analysis:
    """Analyse plain French text (use plain_from_html on rich text first).

    ``glossary``: term → its plain explanation; those words are explained on the page,
    so never flagged. ``plain_words``: the coordination's list, hard word → plain
    alternatives; those words are flagged with their alternatives, wherever their
    frequency.
    """
    glossary = glossary or {}
    plain_words = plain_words or {}
    sentence_list = sentences(text)
    word_list = words(text)
    syllable_count = sum(syllables(w) for w in word_list)
    score = round(kandel_moles(len(word_list), len(sentence_list), syllable_count), 1)
    level, advice = interpret(score)
    explained = _found_phrases(text, sorted(glossary, key=str.lower))
    known = {fold(word) for term in explained for word in words(term)}
    alternatives = {fold(k): v for k, v in plain_words.items()}
    flags: list[Flag] = []
    for token in acronyms(text, known=explained):
        flags.append(Flag(token, "acronym", alternatives=alternatives.get(fold(token), ())))
    listed = _found_phrases(text, sorted(plain_words, key=str.lower))
    for phrase in listed:
        if fold(phrase) not in known:
            flags.append(Flag(phrase, "rare", alternatives=tuple(alternatives[fold(phrase)])))
    already = {fold(f.word) for f in flags}
    for word in rare_words(text, known=[*known, *already]):
        flags.append(Flag(word, "rare", alternatives=alternatives.get(fold(word), ())))
    return Analysis(len(word_list), len(sentence_list), syllable_count, score, level, advice,
                    sentence_notes(text), flags, explained)


# The vocabulary (the glossary, the plain words) is kept by the projects feature; other
# features' writing help (an application's lay summary) asks for it here.
VOCABULARY = "patientlab.plain_language"  # this application's provider (core.registries)


def register_vocabulary(provider) -> None:
    """``provider()`` → (glossary: term → explanation, plain words: word → alternatives)."""
    registry(VOCABULARY)["provider"] = provider


def vocabulary() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    provider = registry(VOCABULARY).get("provider")
    return provider() if provider else ({}, {})


def analyse_with_vocabulary(text: str) -> Analysis:
    return analyse(text, *vocabulary())
