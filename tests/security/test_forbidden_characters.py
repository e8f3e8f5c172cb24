"""Characters HTML forbids are neither stored nor served.

Text posted with noncharacters (U+FFFE, U+FFFF and the other 64) or other code points
HTML forbids (C0 and C1 controls but tab and newlines, lone surrogates) was stored as
typed and shown back: every page listing it failed the W3C checker, and the calendar
files and CSV exports carried it. Every text a request brings is now cleaned as it is
parsed (core.application.Request, core.sanitize.without_forbidden). Here an organiser and
a visitor type such text into the forms of an evening (its presentation, a registration,
a message to registrants, a search), and no page, calendar file, CSV export, mail or
stored text carries one."""

import re

from sqlalchemy import String, Text, select

from patientlab.core.mail import OutboxMessage
from patientlab.core.security import Role
from patientlab.events.models import Event
from patientlab.extensions import db
from tests.conftest import FormClient

# What HTML forbids, written out here independently of the code under test.
_NONCHARACTERS = "".join(chr(c) for c in range(0xFDD0, 0xFDF0)) + "".join(
    chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(17))
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
                       + re.escape(_NONCHARACTERS) + "]")
HOSTILE = ("\ufffe\uffff\U0001fffe\U0010ffff\ufdd0\ufdef\x01\x0b\x0c\x1b\x7f\x85\x9f"
           "\U0008fffe")


def test_the_pattern_names_every_forbidden_code_point():
    assert len(_NONCHARACTERS) == 66
    assert all(FORBIDDEN.search(ch) for ch in HOSTILE)
    assert not FORBIDDEN.search("Soirée\t«\u00a0nutrition\u00a0»\n€ 🎗")


def _hostile(text: str) -> str:
    """``text`` with a forbidden code point after each word."""
    words = text.split(" ")
    return " ".join(word + HOSTILE[i % len(HOSTILE)] for i, word in enumerate(words))


def _clean(what: str, text: str) -> None:
    found = FORBIDDEN.search(text)
    assert found is None, (f"{what}: U+{ord(found.group()):04X} at {found.start()}: "
                           f"{text[max(found.start() - 200, 0):found.start() + 50]!r}")


def test_characters_html_forbids_are_never_stored_nor_served(web, make_user):
    make_user(Role.ORGANISER, email="sophie@exemple.fr")
    web.login("sophie@exemple.fr")
    answer = web.submit("/clara/organisation/evenements/nouvelle", {
        "title": _hostile("Soirée nutrition et cancer"), "theme": "nutrition",
        "date": "2027-03-12", "start_time": "18:30", "end_time": "20:30",
        "format": "onsite", "capacity": "80", "venue_name": _hostile("Salle des fêtes"),
        "address": _hostile("3 rue de la Paix, Lyon"), "postcode": "69001",
        "town": _hostile("Lyon"),
        "description": _hostile("Une soirée pour parler d’alimentation.") + "\n\n"
        + _hostile("Venez nombreux."),
        "speakers": _hostile("Dr Morel, diététicienne"),
        "programme": _hostile("18 h 30 accueil"),
        "transport": _hostile("Tram T1 arrêt Hôtel de Ville")})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    event = db.session.scalar(select(Event).order_by(Event.id.desc()))
    dashboard = f"/clara/organisation/evenements/{event.id}"
    web.submit(f"{dashboard}/publier", {"publish": "y"}, form_url=dashboard)

    visitor = FormClient(web.client.application.test_client())
    page = f"/clara/evenements/{event.id}"
    sent = visitor.submit(f"{page}/inscription?places=1", {
        "name": _hostile("Nadia Benali"), "email": "nadia\ufffe@exemple.fr\uffff",
        "seats": "1", "needs": "step_free", "needs_other": _hostile("Un chien guide"),
        "needs_consent": "y", "privacy_consent": "y"}, form_url=f"{page}/inscription?places=1")
    assert sent.status_code in (302, 303), sent.get_data(as_text=True)[:2000]
    web.submit(f"{dashboard}/message", {
        "audiences": "confirmed", "subject": _hostile("Changement de salle"),
        "body": _hostile("La soirée a lieu salle B.")})
    db.session.expire_all()

    # Every text stored, in every table.
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
        for row in db.session.execute(select(*columns)) if columns else ():
            for column, value in zip(columns, row, strict=True):
                if isinstance(value, str):
                    _clean(f"{table.name}.{column.name}", value)
    assert db.session.get(Event, event.id).title == "Soirée nutrition et cancer"

    # Pages, calendar files, the CSV export: the organiser's and the visitor's.
    registration_pages = re.findall(r'href="(/clara/organisation/evenements/\d+/inscriptions/\d+)"',
                                    web.get(dashboard).get_data(as_text=True))
    assert registration_pages
    for url in ["/", "/clara/evenements/", page, f"/clara/evenements/{event.id}.ics",
                "/clara/evenements.ics",
                dashboard, f"{dashboard}/inscrits.csv", f"{dashboard}/accueil",
                f"{dashboard}/feuille-de-presence", *registration_pages,
                f"/clara/projets/?q={_hostile('nutrition')}",
                f"/clara/organisation/evenements/{event.id}/accueil?q={_hostile('Nadia')}"]:
        answer = web.get(url)
        assert answer.status_code == 200, (url, answer.status_code)
        _clean(url, answer.get_data(as_text=True))
    text = visitor.get(page).get_data(as_text=True)
    _clean("the visitor's evening page", text)
    assert "Soirée nutrition et cancer" in text

    # The outbox: the visitor's confirmation (with its calendar file), the message.
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert {m.recipient for m in messages} >= {"nadia@exemple.fr"}
    assert any("Changement de salle" in m.subject for m in messages)
    for message in messages:
        for part in (message.subject, message.body_text, message.attachment_body):
            _clean(f"mail {message.subject!r}", part)
        _clean("the mail as sent", message.to_email("PatientLab <x@exemple.fr>").as_string())


# Character references that name a forbidden code point: html.unescape gives raw C1
# controls for these five (HTML maps them to nothing), nothing for the others.
REFERENCES = "Marqueur&#x81;C1&#x9d;fin &#x8d;&#x8f;&#x90; &#xFFFE;&#1;&#x7f;&#x85;&#xfdd0;"


def test_character_references_to_forbidden_code_points_in_rich_text(web, make_user):
    """An evening's description and a project's summary written with « &#x81; » and the
    like: nothing stored, no page, calendar file or edit page carries the code point."""
    from patientlab.projects.models import Project
    from tests.factories import make_project

    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    researcher = make_user(Role.RESEARCHER, email="karim@exemple.fr")
    project = make_project(researcher, why=f"<p>{REFERENCES}</p>", what=REFERENCES)
    db.session.commit()
    web.login("sophie@exemple.fr")
    answer = web.submit("/clara/organisation/evenements/nouvelle", {
        "title": "Soirée nutrition", "theme": "nutrition", "date": "2027-03-12",
        "start_time": "18:30", "end_time": "20:30", "format": "onsite", "capacity": "80",
        "venue_name": "Salle des fêtes", "address": "3 rue de la Paix, Lyon",
        "postcode": "69001", "town": "Lyon",
        "description": f"<p>{REFERENCES}</p><p><a href=\"https://exemple.fr/&#x81;a\">"
                       f"lien&#x9d;</a></p>\n\n{REFERENCES}"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    event = db.session.scalar(select(Event).order_by(Event.id.desc()))
    assert event.organiser_id == organiser.id
    dashboard = f"/clara/organisation/evenements/{event.id}"
    web.submit(f"{dashboard}/publier", {"publish": "y"}, form_url=dashboard)
    db.session.expire_all()

    stored = db.session.get(Event, event.id).description
    _clean("event.description", stored)
    assert "MarqueurC1fin" in stored
    for name in ("why", "what"):
        _clean(f"project.{name}", getattr(db.session.get(Project, project.id), name))
    for url in [f"/clara/evenements/{event.id}.ics", "/clara/evenements.ics",
                f"/clara/evenements/{event.id}",
                f"{dashboard}/modifier", f"/clara/projets/{project.id}"]:
        answer = web.get(url)
        assert answer.status_code == 200, (url, answer.status_code)
        text = answer.get_data(as_text=True)
        _clean(url, text)
        assert "MarqueurC1fin" in text, url
    researcher_web = FormClient(web.client.application.test_client())
    researcher_web.login("karim@exemple.fr")
    edit = researcher_web.get(f"/clara/projets/{project.id}/modifier")
    assert edit.status_code == 200
    _clean("the project's edit page", edit.get_data(as_text=True))
    assert "MarqueurC1fin" in edit.get_data(as_text=True)
