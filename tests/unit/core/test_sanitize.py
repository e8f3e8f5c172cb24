import pytest

from patientlab.core.sanitize import plain_text, rich_text


def test_plain_text_removes_control_and_invisible_characters():
    assert plain_text("Mar\x00tine\u200b Dubois\x07") == "Martine Dubois"


def test_plain_text_single_line_folds_white_space():
    assert plain_text("  Claire \n\t Morel  ") == "Claire Morel"


def test_plain_text_multiline_keeps_paragraphs_but_not_endless_blank_lines():
    assert plain_text("Bonjour\r\n\r\n\r\n\r\nà vous  \n", multiline=True) == "Bonjour\n\nà vous"


def test_plain_text_normalises_to_nfc():
    decomposed = "e\u0301"  # e + combining acute accent
    assert plain_text(decomposed) == "é"


def test_plain_text_of_none_is_empty():
    assert plain_text(None) == ""


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">clic</a>',
        '<a href="java\u200bscript:alert(1)">clic</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        '<svg onload="alert(1)"></svg>',
        '<p style="color:red" onclick="alert(1)">texte</p>',
        '<form><button formaction="javascript:alert(1)">x</button></form>',
        "<iframe src=//evil></iframe>",
    ],
)
def test_rich_text_never_keeps_anything_executable(payload):
    cleaned = rich_text(payload).lower()
    for forbidden in ("<script", "onerror", "onload", "onclick", "javascript:", "data:",
                      "<svg", "<iframe", "style=", "formaction", "<form", "<button", "<img"):
        assert forbidden not in cleaned


def test_rich_text_keeps_paragraphs_lists_emphasis_and_safe_links():
    html = ('<p>Un <strong>essai</strong> <em>clinique</em></p><ul><li>un</li></ul>'
            '<a href="https://exemple.fr">lien</a>')
    cleaned = rich_text(html)
    assert "<p>Un <strong>essai</strong> <em>clinique</em></p>" in cleaned
    assert "<ul><li>un</li></ul>" in cleaned
    assert 'href="https://exemple.fr"' in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned


def test_rich_text_of_empty_value_is_empty():
    assert rich_text("") == ""
    assert rich_text(None) == ""


def test_display_cleans_each_stored_text_once_and_the_same_way():
    from patientlab.core import sanitize

    stored = '<p>Bonjour <script>alert(1)</script><a href="javascript:x">lien</a></p>'
    sanitize._cleaned_for_display.cache_clear()
    first = sanitize.render_rich_text(stored)
    again = sanitize.render_rich_text(stored)
    assert first == again == sanitize.rich_text(stored)
    assert "<script" not in first
    assert "javascript:" not in first
    assert sanitize._cleaned_for_display.cache_info().hits == 1


def test_texts_stored_by_services_lose_the_code_points_html_forbids():
    """Services called without a request (the CLI, the demo) clean as forms do."""
    from patientlab.core.sanitize import plain_text, rich_text, without_forbidden

    hostile = "a\ufffe\uffff\U0001fffe\U0010ffff\ufdd0\ufdef\x01\x85\ud800b"
    assert without_forbidden(hostile) == "ab"
    assert plain_text(hostile) == "ab"
    assert rich_text(f"<p>{hostile}</p>") == "<p>ab</p>"
    assert without_forbidden("Soirée\t«\u00a0nutrition\u00a0»\n€ 🎗") == (
        "Soirée\t«\u00a0nutrition\u00a0»\n€ 🎗")


@pytest.mark.parametrize("typed", [
    "Voir https://exemple.fr/etude?a=1&b=2 et <a href=\"https://x.fr/p\">la page</a>.\n\n"
    "Deux.",
    "Voir <a href=\"https://x.fr\">Tom &amp; co</a> et https://y.fr.\n\n- un\n- deux",
    "<a href=\"https://x.fr/a)\">https://x.fr/a)</a> puis <a href=\"https://x.fr\">"
    "https://x.fr</a>abc",
])
def test_edit_box_shows_links_as_typed_and_saving_it_unchanged_stores_the_same(typed):
    """The edit box showed the stored ``<a href=… rel=…>`` of every link, typed bare
    addresses included."""
    from patientlab.core.sanitize import editable, render_rich_text, rich_text

    stored = rich_text(typed)
    shown = editable(stored)
    assert "rel=" not in shown
    assert rich_text(shown) == stored
    # Stored as HTML paragraphs (imported, or written before): it reads the same.
    as_html = rich_text("".join(f"<p>{part}</p>" for part in typed.split("\n\n")
                                if not part.startswith("-")))
    assert render_rich_text(rich_text(editable(as_html))) == render_rich_text(as_html)


def test_edit_box_shows_a_typed_address_bare():
    from patientlab.core.sanitize import editable, rich_text

    assert editable(rich_text("<p>Lire https://exemple.fr/etude.</p>")) == \
        "Lire https://exemple.fr/etude."
    assert editable(rich_text('<p>Lire <a href="https://exemple.fr/etude">l’étude</a>.</p>')) \
        == 'Lire <a href="https://exemple.fr/etude">l’étude</a>.'
