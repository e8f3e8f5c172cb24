"""Every XSS payload, through every text field we render back, stays inert.

Pages are parsed and checked for executable content: script elements (other than
our own deferred file), event-handler attributes, javascript:/data:/vbscript:
URLs, embedded frames and objects, style attributes and template evaluation.
"""

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from patientlab.core.security import Role
from patientlab.extensions import db
from patientlab.members.models import Bio
from patientlab.projects.models import Answer, Project, Question
from tests.security.payloads import XSS_PAYLOADS

OUR_SCRIPT = "/static/js/patientlab.js"
BAD_URL = re.compile(r"^\s*(javascript|data|vbscript)\s*:", re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "svg", "math", "base", "style",
                  "marquee", "video", "audio", "template", "frame", "frameset"}


class Danger(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src") != OUR_SCRIPT:
            self.found.append(f"<script {attrs}>")
        ours = tag == "svg" and attributes.get("class") == "chart" and set(attributes) == {
            "class", "role", "viewbox", "aria-labelledby", "focusable"}
        if tag in FORBIDDEN_TAGS and not ours:  # our own chart is the only SVG
            self.found.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in attributes:
            self.found.append(f"<meta {attrs}>")
        if tag == "link" and not (attributes.get("href") or "").startswith("/static/"):
            self.found.append(f"<link {attrs}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}={value!r}")
            if name == "style":
                self.found.append(f"{tag} style={value!r}")
            if name in URL_ATTRIBUTES and value and BAD_URL.match(value.replace("\u200b", "")):
                self.found.append(f"{tag} {name}={value!r}")


def dangers(html: str) -> list[str]:
    parser = Danger()
    parser.feed(html)
    found = parser.found
    if "1337" in html:
        found.append("template expression was evaluated (7*191)")
    return found


def test_the_checker_finds_real_dangers():
    assert dangers('<img src=x onerror="alert(1)">')
    assert dangers('<a href="javascript:alert(1)">x</a>')
    assert dangers("<script>alert(1)</script>")
    assert dangers("<p>1337</p>")
    assert dangers('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">')
    assert not dangers(f'<script src="{OUR_SCRIPT}" defer></script><p>ok</p>')
    assert dangers('<svg onload="alert(1)"></svg>')
    assert dangers('<svg class="chart" onload="alert(1)"></svg>')


def test_there_are_at_least_fifty_payloads():
    assert len(XSS_PAYLOADS) >= 50


PROJECT_FIELDS = ["title", "teaser", "lab", "team", "why", "what", "change", "involvement",
                  "scientific_abstract", "falc_text"]
PROFILE_FIELDS = ["name", "pseudonym", "bio"]


def _rotate(fields, start):
    # Some text follows each payload, so that no field is left empty once cleaned.
    return {name: XSS_PAYLOADS[(start + i) % len(XSS_PAYLOADS)] + " Texte." for i, name in
            enumerate(fields)}


@pytest.fixture
def people(make_user):
    make_user(Role.RESEARCHER, email="claire@exemple.fr")
    make_user(Role.PATIENT_EXPERT, email="martine@exemple.fr")
    make_user(Role.MODERATOR, Role.COORDINATOR, email="lucas@exemple.fr")
    db.session.commit()


def _check(web, urls, context):
    for url in urls:
        response = web.get(url)
        assert response.status_code == 200, (url, response.status_code)
        found = dangers(response.get_data(as_text=True))
        assert not found, f"{context} → {url}: {found}"


@pytest.mark.parametrize("start", range(0, len(XSS_PAYLOADS), 11))
def test_payloads_in_every_text_field_stay_inert(web, people, start):
    # The researcher writes a project with a payload in every field, then submits it.
    web.login("claire@exemple.fr")
    fields = _rotate(PROJECT_FIELDS, start)
    response = web.submit("/clara/projets/nouveau", {
        **fields, "research_status": "running", "region": "", "cancer_types": "sein",
        "themes": "traitements", "save": "Enregistrer"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    project = db.session.scalar(select(Project).order_by(Project.id.desc()))
    web.submit(f"/clara/projets/{project.id}/soumettre",
               form_url=f"/clara/projets/{project.id}/modifier")
    db.session.expire_all()
    assert db.session.get(Project, project.id).publication == "submitted"
    web.submit("/compte/profil", {**_rotate(PROFILE_FIELDS, start + 3), "association": ""})
    web.submit("/compte/profil", {"name": "Claire Morel", "pseudonym": "", "association": "",
                                  "bio": XSS_PAYLOADS[(start + 4) % len(XSS_PAYLOADS)][:900]
                                  + " Texte."})
    _check(web, [f"/clara/projets/{project.id}/modifier", "/clara/projets/mes-projets",
                 "/compte/profil"],
           f"researcher, payloads from {start}")
    web.logout()

    # A moderator-coordinator publishes it.
    web.login("lucas@exemple.fr")
    web.submit(f"/clara/projets/{project.id}/publication/publier", {"publish-submit": "Publier"},
               prefix="publish-", form_url=f"/clara/projets/{project.id}/publication")
    web.logout()

    # A patient expert asks a question and rates clarity with payloads.
    web.login("martine@exemple.fr")
    url = f"/clara/projets/{project.id}"
    web.submit(f"{url}/questions", {"body": XSS_PAYLOADS[(start + 5) % len(XSS_PAYLOADS)]},
               form_url=url)
    web.submit(f"{url}/clarte", {"score": "2",
                                 "unclear": XSS_PAYLOADS[(start + 6) % len(XSS_PAYLOADS)]},
               form_url=url)
    web.logout()

    # The moderator publishes the question; the researcher answers with a payload.
    web.login("lucas@exemple.fr")
    question = db.session.scalar(select(Question).order_by(Question.id.desc()))
    assert question is not None, "the question was not recorded"
    _check(web, ["/clara/moderation/", f"/clara/moderation/questions/{question.id}"], "moderation")
    web.submit(f"/clara/moderation/questions/{question.id}", {"decision": "publish",
                                                         "seen_state": "pending"})
    web.submit("/clara/glossaire/gerer",
               {"term": XSS_PAYLOADS[(start + 7) % len(XSS_PAYLOADS)][:120],
                "definition": XSS_PAYLOADS[(start + 8) % len(XSS_PAYLOADS)]})
    web.logout()
    web.login("claire@exemple.fr")
    web.submit(f"{url}/questions/{question.id}/reponse",
               {f"reponse-{question.id}-answer": XSS_PAYLOADS[(start + 9) % len(XSS_PAYLOADS)]},
               form_url=url, prefix=f"reponse-{question.id}-")
    web.logout()

    # The moderator reads the answer and the researcher's presentation, and publishes them.
    web.login("lucas@exemple.fr")
    answer = db.session.scalar(select(Answer).order_by(Answer.id.desc()))
    bio = db.session.scalar(select(Bio).order_by(Bio.id.desc()))
    assert answer is not None, "the answer was not recorded"
    assert bio is not None, "the presentation was not recorded"
    _check(web, ["/clara/moderation/", f"/clara/moderation/answers/{answer.id}",
                 f"/clara/moderation/bios/{bio.id}"], "moderation of answers and presentations")
    for kind, item in (("answers", answer), ("bios", bio)):
        web.submit(f"/clara/moderation/{kind}/{item.id}", {"decision": "publish",
                                                     "seen_state": "pending"})
    _check(web, [f"/membres/{bio.author_id}"], "member page")
    web.logout()
    web.login("claire@exemple.fr")
    _check(web, [url, f"{url}/facile-a-lire", "/clara/projets/", "/clara/projets/mes-projets",
                 "/clara/glossaire",
                 f"/clara/projets/?q={XSS_PAYLOADS[start][:20]}"], f"public pages, from {start}")
