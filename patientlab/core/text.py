"""Text helpers: accent-insensitive search keys, words and sentences, and the French
readability score (core.plain_language uses them).

The readability score is Kandel & Moles' adaptation of Flesch's formula to
French: 207 − 1.015 × (words / sentences) − 73.6 × (syllables / words).
"""

import html as html_module
import re
import unicodedata

from flask_babel import lazy_gettext as _l

from patientlab.core.sanitize import without_forbidden

VOWELS = "aeiouyàâäéèêëîïôöùûüÿœæ"
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+(?:[.,]\d+)?", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"»”)\]]*\s+|\n+")
# Sanitised HTML has no « < » outside its tags; [^<>] keeps each try to one tag.
_ANY_TAG = re.compile(r"<[^<>]*>")
_VOWEL_GROUP = re.compile(f"[{VOWELS}]+")
# A link of sanitised rich text (core.sanitize writes every href in double quotes).
_LINK = re.compile(r'<a\b[^<>]*?\bhref="([^"<>]*)"[^<>]*>(.*?)</a\s*>', re.IGNORECASE | re.DOTALL)


def fold(text: str | None) -> str:
    """Lower-case, accent-free text for search: « Sein » and « sein » give « sein »."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return without_marks.replace("œ", "oe").replace("æ", "ae")


def normalise_email(email: str | None) -> str:
    """One spelling per address, wherever an address is stored, compared or counted.

    Compatibility forms folded (NFKC: full-width letters, ligatures), invisible format
    characters and spaces removed (zero-width space, soft hyphen, bidirectional marks),
    case folded: « ＫARIM@exemple.fr » and « karim\u200b@exemple.fr » are karim@exemple.fr.
    """
    text = unicodedata.normalize("NFKC", str(email or ""))
    kept = "".join(ch for ch in text
                   if unicodedata.category(ch) not in ("Cf", "Cc", "Zs", "Zl", "Zp")
                   and not ch.isspace())
    return kept.casefold()


def fold_char(ch: str) -> str:
    """One character folded to one character (keeps positions aligned)."""
    base = unicodedata.normalize("NFKD", ch.casefold())
    kept = "".join(c for c in base if not unicodedata.combining(c))
    return kept[:1] if kept else ch


def _link_shown(match: re.Match) -> str:
    href, inner = match.group(1), match.group(2)
    words_of_link = _ANY_TAG.sub("", inner).strip()
    if html_module.unescape(words_of_link) == html_module.unescape(href):
        return inner
    return f"{inner} ({href})" if words_of_link else f"({href})"


def plain_from_html(html: str, *, links: bool = False) -> str:
    """Text of sanitised rich text, one paragraph or list item per line (its character
    references resolved, without the code points HTML forbids).

    ``links``: each link's address follows its words, « texte (https://…) » (a bare
    address stays as it is), for whoever must see where a link leads (a moderator
    comparing two versions: a changed address is a change)."""
    if not html:
        return ""
    if links:
        html = _LINK.sub(_link_shown, html)
    spaced = re.sub(r"</(p|li)>|<br\s*/?>", "\n", html)
    text = without_forbidden(html_module.unescape(_ANY_TAG.sub("", spaced)))
    text = re.sub(r"[ \t]+", " ", text)
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentences(text: str) -> list[str]:
    parts = (part.strip() for part in _SENTENCE_END.split(text))
    return [part for part in parts if words(part)]


def syllables_by_rule(word: str) -> int:
    """Spoken syllables of a French word, by hand-written rules: the baseline that the
    hyphenation dictionary (core.plain_language.syllables) is measured against.

    Vowel groups are counted; « qu » and « gu » (before e, i, y) count as consonants;
    a final mute « e », « es » or « ent » after a consonant is not pronounced.
    """
    w = word.lower().replace("’", "'")
    if w.isdigit():
        return max(1, len(w))  # a rough count for numbers read aloud
    w = w.split("'")[-1]  # l'équipe → équipe
    w = w.replace("qu", "q")
    w = re.sub(r"gu(?=[eéèêiîy])", "g", w)
    count = len(_VOWEL_GROUP.findall(w))
    if count > 1 and ends_mute(w):
        count -= 1
    return max(count, 1)


_ENT_NOUNS = ("ment", "dent", "gent", "tient", "lent", "rent", "cent", "vent", "sent")


def ends_mute(word: str) -> bool:
    """A final mute « e », « es » or verb « ent » after a consonant (« qu » and « gu »
    already written as one consonant): a syllable written, not said."""
    mute_e = re.search(f"[^{VOWELS}](e|es)$", word)
    mute_ent = len(word) > 4 and re.search(f"[^{VOWELS}]ent$", word) and _is_verb_ending(word)
    return bool(mute_e or mute_ent)


def _is_verb_ending(word: str) -> bool:
    """« ils mangent » (mute) versus « patient », « traitement » (spoken)."""
    return not word.endswith(_ENT_NOUNS)


def kandel_moles(word_count: int, sentence_count: int, syllable_count: int) -> float:
    if not word_count or not sentence_count:
        return 0.0
    return 207 - 1.015 * (word_count / sentence_count) - 73.6 * (syllable_count / word_count)


def interpret(score: float) -> tuple[str, str]:
    """What a score means, in words, and a piece of advice (lazy strings)."""
    if score >= 80:
        return (_l("facile à lire pour la plupart des adultes"),
                _l("Le texte est facile à lire. Gardez des phrases courtes."))
    if score >= 60:
        return (_l("assez facile : se lit sans trop d’effort"),
                _l("Le texte se lit assez bien. Raccourcissez encore les phrases les plus "
                   "longues."))
    if score >= 40:
        return (_l("difficile pour beaucoup de patients"),
                _l("Le texte est difficile pour beaucoup de patients. Coupez les phrases "
                   "longues et remplacez les mots techniques."))
    return (_l("très difficile : un texte pour spécialistes"),
            _l("Le texte est très difficile. Écrivez une idée par phrase et expliquez chaque "
               "mot technique."))
