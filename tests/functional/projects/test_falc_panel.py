"""FALC checked by the people it is written for: invitation, readings paragraph by
paragraph, the badge granted only at N readers, the readers' remarks for the team, the
journal, and a changed text checked again."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from patientlab.core.audit import AuditEntry
from patientlab.core.security import Role
from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from patientlab.projects import falc
from patientlab.projects.models import FalcReading
from tests.factories import UserFactory, make_project

TEXT = "Des chercheurs étudient la fatigue.\nLa fatigue, c’est être très las.\n\nVous pouvez aider."


def read(web, link, project, answers):
    """A reader's visit: their link, the text, one answer per part."""
    path = urlsplit(link).path
    assert web.get(path).status_code == 200
    data = {}
    for number, (choice, comment) in enumerate(answers, start=1):
        if choice:
            data[f"paragraph_{number}"] = choice
        data[f"comment_{number}"] = comment
    return web.submit(f"{path}/{project.id}", data)


def invite(web, name):
    """The coordination invites a reader; their personal link, from the page."""
    panel = db.session.scalar(select(falc.FalcPanel.id).order_by(falc.FalcPanel.id.desc()))
    web.submit("/clara/facile-a-lire/relecture/lecteurs", {
        "lecteur-panel": str(panel), "lecteur-name": name, "lecteur-submit": "1"},
        prefix="lecteur-", form_url="/clara/facile-a-lire/relecture")
    page = web.get("/clara/facile-a-lire/relecture").get_data(as_text=True)
    reader = db.session.scalar(select(falc.FalcReader).where(falc.FalcReader.name == name))
    marker = f'id="lecteur-{reader.id}"'
    return page.split(marker)[1].split("<code>")[1].split("</code>")[0]


def test_the_panel_workflow_from_invitation_to_badge(web, client, app):
    UserFactory(email="anne@exemple.fr", roles=[Role.COORDINATOR])
    project = make_project(falc_text=TEXT)
    db.session.commit()
    web.login("anne@exemple.fr")
    response = web.submit("/clara/facile-a-lire/relecture/groupes", {
        "groupe-name": "Atelier FALC de l’ESAT", "groupe-submit": "1"}, prefix="groupe-",
        form_url="/clara/facile-a-lire/relecture")
    assert response.status_code == 302
    julie, mehdi = invite(web, "Julie"), invite(web, "Mehdi")
    assert julie != mehdi

    # The readers need no account: a fresh browser, their link only.
    response = read(client_form(client), julie, project,
                    [("oui", ""), ("oui", ""), ("oui", "")])
    assert response.status_code == 302
    assert not falc.check(project).granted  # 1 of 2

    page = read(client_form(client), mehdi, project,
                [("oui", ""), ("non", "Je ne connais pas le mot « las »."), ("oui", "")])
    assert page.status_code == 302
    check = falc.check(project)
    assert (check.readers, check.granted) == (1, False)
    remarks = falc.remarks(project)
    assert [(r.paragraph, r.understood, r.comment) for r in remarks] == [
        (2, False, "Je ne connais pas le mot « las »."), ]
    public = web.get(f"/clara/projets/{project.id}/facile-a-lire").get_data(as_text=True)
    assert "falc-badge" not in public

    read(client_form(client), mehdi, project, [("oui", ""), ("oui", ""), ("oui", "")])
    check = falc.check(project)
    assert check.granted
    public = web.get(f"/clara/projets/{project.id}/facile-a-lire").get_data(as_text=True)
    assert "falc-badge" in public
    assert "Atelier FALC de l’ESAT" in public
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"falc.panel_created", "falc.reader_invited", "falc.reading_recorded",
            "falc.badge_granted"} <= actions

    # A new version of the text is checked again.
    project.falc_text = TEXT + "\nUne phrase de plus."
    db.session.commit()
    assert not falc.check(project).granted


def client_form(client):
    from tests.conftest import FormClient

    return FormClient(client)


def test_each_form_of_the_panels_page_posts_to_its_own_address_and_keeps_its_errors(web):
    UserFactory(email="anne@exemple.fr", roles=[Role.COORDINATOR])
    db.session.commit()
    web.login("anne@exemple.fr")
    page = "/clara/facile-a-lire/relecture"
    assert 'action="/clara/facile-a-lire/relecture/groupes"' in web.get(page).get_data(as_text=True)
    response = web.submit(f"{page}/groupes", {"groupe-name": ""}, prefix="groupe-",
                          form_url=page)
    assert response.status_code == 200
    assert "Donnez le nom du groupe" in response.get_data(as_text=True)
    web.submit(f"{page}/groupes", {"groupe-name": "Atelier"}, prefix="groupe-", form_url=page)
    assert 'action="/clara/facile-a-lire/relecture/lecteurs"' in web.get(page).get_data(
        as_text=True)
    response = web.submit(f"{page}/lecteurs", {"lecteur-panel": str(
        db.session.scalar(select(falc.FalcPanel.id))), "lecteur-name": ""},
        prefix="lecteur-", form_url=page)
    assert response.status_code == 200
    assert "Écrivez un prénom" in response.get_data(as_text=True)
    assert db.session.scalar(select(falc.FalcReader)) is None
    assert web.client.post(page).status_code == 405


def test_a_panel_sent_with_an_expired_token_comes_back_on_the_panels_page(web):
    from patientlab.core.kept import KeptForm

    UserFactory(email="anne@exemple.fr", roles=[Role.COORDINATOR])
    db.session.commit()
    web.login("anne@exemple.fr")
    page = "/clara/facile-a-lire/relecture"
    response = web.client.post(f"{page}/groupes", headers={"Origin": "http://localhost"},
                               data={"csrf_token": "périmé", "groupe-name": "Atelier du Rhône"})
    assert (response.status_code, response.headers["Location"]) == (303, page)
    assert "Atelier du Rhône" in web.get(page).get_data(as_text=True)
    web.submit(f"{page}/groupes", {"groupe-name": "Atelier du Rhône"}, prefix="groupe-",
               form_url=page)
    assert db.session.scalar(select(func.count()).select_from(KeptForm)) == 0
    assert db.session.scalar(select(falc.FalcPanel.name)) == "Atelier du Rhône"


def test_a_reader_must_answer_every_part_and_sees_the_error_next_to_it(web, client):
    project = make_project(falc_text=TEXT)
    panel = falc.create_panel(UserFactory(roles=[Role.COORDINATOR]), "Groupe")
    reader = falc.invite_reader(UserFactory(roles=[Role.COORDINATOR]), panel, "Julie")
    db.session.commit()
    token = falc.reader_link_token(reader)
    page = web.submit(f"/clara/facile-a-lire/lecteur/{token}/{project.id}", {
        "paragraph_1": "oui", "comment_2": "Trop long."}).get_data(as_text=True)
    assert fr("Pour chaque partie, choisissez « J’ai compris »") in page
    assert "Trop long." in page  # nothing typed is lost
    assert db.session.scalar(select(FalcReading)) is None


def test_a_revoked_or_forged_link_opens_nothing(web):
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    panel = falc.create_panel(coordinator, "Groupe")
    reader = falc.invite_reader(coordinator, panel, "Julie")
    db.session.commit()
    token = falc.reader_link_token(reader)
    assert web.get(f"/clara/facile-a-lire/lecteur/{token}").status_code == 200
    assert web.get(f"/clara/facile-a-lire/lecteur/{token[:-2]}xx").status_code == 400
    falc.revoke_reader(coordinator, reader)
    db.session.commit()
    assert web.get(f"/clara/facile-a-lire/lecteur/{token}").status_code == 400


def test_only_the_coordination_runs_panels(app):
    with pytest.raises(PermissionError):
        falc.create_panel(UserFactory(roles=[Role.RESEARCHER]), "Groupe")


def test_the_number_of_readers_needed_is_a_setting(app):
    from patientlab.core import settings

    coordinator = UserFactory(roles=[Role.ADMIN])
    settings.save_settings(coordinator, {"FALC_READERS_NEEDED": 1})
    project = make_project(falc_text="Une phrase.")
    panel = falc.create_panel(coordinator, "Groupe")
    reader = falc.invite_reader(coordinator, panel, "Julie")
    assert falc.record_readings(reader, project, {1: (True, "")})
    assert falc.check(project).granted


def test_paragraphs_are_blocks_or_lines():
    class Text:
        def __init__(self, text):
            self.falc_text = text

    assert falc.paragraphs(Text("Une.\nDeux.")) == [["Une."], ["Deux."]]
    assert falc.paragraphs(Text("Une.\nDeux.\n\nTrois.")) == [["Une.", "Deux."], ["Trois."]]
