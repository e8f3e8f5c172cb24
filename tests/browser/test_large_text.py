"""The platform's own large text (150 %, 200 %) on a 320 px phone: whole words, no
sideways scrolling, and the evening's registration form within reach.

How « no word broken mid-word » is checked, twice:

1. Where the lines break. For every text node the rectangle of each character is read
   (a Range per character); where the next character starts a new line, the break must
   fall at a space, after a hyphen, a dash or a slash, or before a long dash. Any other
   break cuts a word. Debian's Chromium has no hyphenation dictionaries, so here such a
   cut can only come from ``overflow-wrap``/``word-break`` letting a word break
   anywhere: exactly the bug (« PatientL/ab », « l'utilisatio/n »). Only addresses
   may be cut: a word with « @ », « :// », « www. » or a dot between letters, or text
   in ``code``/``kbd``/``samp``.
2. What the styles allow, for the phones that do hyphenate. Every text node holding an
   ordinary word of 10 letters or more (the shortest the style sheet lets the browser
   hyphenate) must have ``hyphens: auto`` and a ``lang``, and neither ``overflow-wrap:
   anywhere`` nor ``word-break: break-all``/``break-word``, which let boxes shrink below
   their words and cut them anywhere. ``overflow-wrap: break-word`` (a word longer than
   the whole line, after its hyphenation points) is allowed: check 1 shows that on these
   pages no word needs it.
"""

import pytest

from tests.browser.conftest import log_in
from tests.browser.harness import assert_no_axe_violations, scroll_overflow

PHONE = {"width": 320, "height": 812}
MOBILE = {"is_mobile": True, "has_touch": True}
SCREEN = 812  # a phone's first screen

PUBLIC_PAGES = ["/", "/clara/evenements/", "/clara/evenements/1", "/clara/projets/",
                "/clara/projets/1",
                "/clara/projets/1/facile-a-lire", "/clara/glossaire", "/compte/connexion",
                "/compte/inscription", "/compte/preferences", "/accessibilite",
                "/confidentialite", "/charte"]
PERSONAL_PAGES = ["/mon-espace", "/compte/profil", "/compte/preferences",
                  "/compte/notifications", "/compte/securite", "/compte/donnees",
                  "/clara/projets/1", "/clara/evenements/1"]
SIZES = {150: "#text_size-2", 200: "#text_size-3"}

# Words that are addresses: mail, URL, domain name.
ADDRESS = r"@|://|^\(?www\.|[a-z]\.[a-z]{2,}"

WORDS_CUT_MID_WORD = """(addressPattern) => {
    const address = new RegExp(addressPattern, "i");
    const breakAfter = /[\\s\\-\\u00AD\\u2010\\u2011\\u2013\\u2014\\/]/;
    const cut = [];
    const range = document.createRange();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, text = node.data, el = node.parentElement;
        if (!el || !/\\S/.test(text)) continue;
        if (el.closest('script, style, .visually-hidden, [hidden], code, kbd, samp')) continue;
        let previous = null, previousIndex = -1;
        for (let i = 0; i < text.length; i++) {
            if (/\\s/.test(text[i])) continue;
            range.setStart(node, i); range.setEnd(node, i + 1);
            const rects = range.getClientRects();
            if (!rects.length) continue;
            const rect = rects[rects.length - 1];
            if (previous && rect.top > previous.top + previous.height / 2
                    && !/\\s/.test(text.slice(previousIndex, i))
                    && !breakAfter.test(text[previousIndex]) && text[i] !== '\\u2014') {
                const start = text.slice(0, previousIndex + 1).search(/\\S+$/);
                const rest = text.slice(i).search(/\\s|$/);
                const word = text.slice(start, i + rest);
                if (!address.test(word)) {
                    cut.push(text.slice(start, previousIndex + 1) + '/' + text.slice(i, i + rest)
                             + ' (' + el.tagName.toLowerCase() + ')');
                }
            }
            previous = rect; previousIndex = i;
        }
    }
    return cut;
}"""

LONG_WORDS_WITHOUT_HYPHENATION = """(addressPattern) => {
    const address = new RegExp(addressPattern, "i");
    const problems = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, el = node.parentElement;
        if (!el || el.closest('script, style, .visually-hidden, [hidden], code, kbd, samp')) {
            continue;
        }
        const long = node.data.split(/[\\s\\-\\u2013\\u2014\\/]+/)
            .map(w => w.replace(/^[^\\p{L}]+|[^\\p{L}]+$/gu, ''))
            .filter(w => [...w].filter(c => /\\p{L}/u.test(c)).length >= 10 && !address.test(w));
        if (!long.length) continue;
        const style = getComputedStyle(el);
        const lang = el.closest('[lang]');
        const wrap = style.overflowWrap, words = style.wordBreak;
        if (style.hyphens !== 'auto' || !lang || !lang.lang
                || wrap === 'anywhere' || !['normal', 'keep-all'].includes(words)) {
            problems.push(`${long[0]} (${el.tagName.toLowerCase()}: hyphens ${style.hyphens},`
                          + ` lang ${lang ? lang.lang : 'none'}, overflow-wrap ${wrap},`
                          + ` word-break ${words})`);
        }
    }
    return [...new Set(problems)];
}"""


def _choose_text_size(page, base_url, size):
    """Through the platform's own display preferences, as a reader would."""
    page.goto(base_url + "/compte/preferences")
    page.check(SIZES[size])
    with page.expect_navigation():
        page.click("text=Enregistrer mes préférences")
    assert f"pl-text-{size}" in page.evaluate("document.documentElement.className")


def _check_pages(page, base_url, size, paths):
    problems = []
    for path in paths:
        page.goto(base_url + path)
        label = f"{size} % {path}"
        overflow = scroll_overflow(page)
        if overflow > 0:
            problems.append(f"{label}: scrolls sideways by {overflow}px")
        cut = page.evaluate(WORDS_CUT_MID_WORD, ADDRESS)
        if cut:
            problems.append(f"{label}: words cut mid-word: {cut[:8]}")
        # A table's caption is read without scrolling (the table stacks, or its
        # caption stays within the screen).
        wide = page.evaluate("""() => [...document.querySelectorAll('caption')]
            .filter(c => c.getBoundingClientRect().right > innerWidth + 1)
            .map(c => c.textContent.trim())""")
        if wide:
            problems.append(f"{label}: captions wider than the screen: {wide}")
        loose = page.evaluate(LONG_WORDS_WITHOUT_HYPHENATION, ADDRESS)
        if loose:
            problems.append(f"{label}: long words that could be cut anywhere: {loose[:5]}")
        assert_no_axe_violations(page, label)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", [150, 200])
def test_public_pages_keep_words_whole_with_large_text_on_a_320_px_phone(
        new_context, base_url, size):
    page = new_context(viewport=PHONE, **MOBILE).new_page()
    _choose_text_size(page, base_url, size)
    _check_pages(page, base_url, size, PUBLIC_PAGES)


@pytest.mark.parametrize("size", [150, 200])
def test_personal_pages_keep_words_whole_with_large_text_on_a_320_px_phone(
        new_context, base_url, size):
    context = log_in(new_context(viewport=PHONE, **MOBILE), base_url, "patient@exemple.fr")
    page = context.new_page()
    _choose_text_size(page, base_url, size)
    _check_pages(page, base_url, size, PERSONAL_PAGES)


def _form_place(page, base_url):
    page.goto(base_url + "/clara/evenements/1")
    return page.evaluate("""() => {
        const top = el => el.getBoundingClientRect().top + scrollY;
        const field = document.querySelector('#inscription ~ form input[name=places]');
        return {heading: top(document.querySelector('#inscription')) ,
                fieldTop: top(field), fieldBottom: field.getBoundingClientRect().bottom + scrollY,
                presentation: top(document.querySelector('#presentation')),
                height: document.documentElement.scrollHeight};
    }""")


@pytest.mark.parametrize(("width", "size", "screens"), [
    (375, 150, 1),  # a 375×812 phone: the whole first field on the first screen
    (320, 200, 2),  # the narrowest phone with the largest text: within two screens
    (375, 200, 2),
])
def test_the_evening_registration_form_comes_before_its_long_description(
        new_context, base_url, width, size, screens):
    page = new_context(viewport={"width": width, "height": SCREEN}, **MOBILE).new_page()
    _choose_text_size(page, base_url, size)
    place = _form_place(page, base_url)
    # « S'inscrire » in the first screen(s); its first question (how many people come,
    # then their fields on the next page) right below, before the presentation.
    assert place["heading"] < screens * SCREEN - 100, place
    assert place["fieldBottom"] <= (screens + 0.5) * SCREEN, place
    assert place["fieldTop"] < place["presentation"], place
    assert_no_axe_violations(page, f"evening page, {size} %, {width} px")


def test_on_a_320_px_phone_with_text_at_150_percent_the_form_starts_on_the_first_screen(
        new_context, base_url):
    page = new_context(viewport=PHONE, **MOBILE).new_page()
    _choose_text_size(page, base_url, 150)
    place = _form_place(page, base_url)
    # « S'inscrire » is in the first screen, its first question right below it.
    assert place["heading"] < SCREEN - 100, place
    assert place["fieldTop"] < 1.5 * SCREEN, place
