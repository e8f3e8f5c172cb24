"""Member pages and moderated answers and presentations, through HTTP."""

from patientlab.extensions import db
from patientlab.members.services import set_bio
from patientlab.moderation import services as moderation
from patientlab.moderation.models import ModerationState as S
from patientlab.projects import services as projects
from tests.conftest import PASSWORD, outbox
from tests.factories import UserFactory, make_project


def test_a_member_page_is_for_logged_in_people_and_shows_what_is_public(web):
    martine = UserFactory(pseudonym="Martine D.", roles=["patient_expert"])
    bio = set_bio(martine, "Je relis les projets <script>alert(1)</script>.")
    question = projects.ask_question(martine, make_project(), "Combien de séances ?")
    question.moderation_state = S.PUBLISHED
    UserFactory(email="karim@exemple.fr")
    db.session.commit()
    url = f"/membres/{martine.id}"
    assert web.get(url).status_code == 302
    web.login("karim@exemple.fr")
    page = web.get(url).get_data(as_text=True)
    assert "Martine D." in page
    assert "Patiente experte ou patient expert" in page
    assert "Je relis les projets" not in page  # still waiting for a moderator
    assert "Pas de présentation." in page
    bio.moderation_state = S.PUBLISHED
    db.session.commit()
    page = web.get(url).get_data(as_text=True)
    assert "Je relis les projets &lt;script&gt;" in page
    assert f"/clara/moderation/signaler/bio/{bio.id}" in page
    assert web.get("/membres/999999").status_code == 404


def test_the_profile_form_sends_the_presentation_to_moderation(web):
    martine = UserFactory(email="martine@exemple.fr", name="Martine Dubois")
    db.session.commit()
    web.login("martine@exemple.fr")
    response = web.submit("/compte/profil", {"name": "Martine Dubois", "pseudonym": "",
                                             "association": "", "bio": "Soignée en 2019."},
                          follow=True)
    page = response.get_data(as_text=True)
    assert "visible après relecture par l’équipe de modération" in page
    assert 'id="bio-state"' in page
    assert "Soignée en 2019." in page  # kept in the form
    assert f'href="/membres/{martine.id}"' in page
    own = web.get(f"/membres/{martine.id}").get_data(as_text=True)
    assert "attend la relecture" in own
    assert "Soignée en 2019." in own  # she sees her own text, with its state


def test_the_team_answer_waits_for_a_moderator_then_the_asker_is_told(web):
    owner = UserFactory(email="claire@exemple.fr", roles=["researcher"])
    project = make_project(owner)
    asker = UserFactory(email="karim@exemple.fr")
    question = projects.ask_question(asker, project, "Combien de séances ?")
    question.moderation_state = S.PUBLISHED
    db.session.commit()
    web.login("claire@exemple.fr")
    url = f"/clara/projets/{project.id}"
    response = web.submit(f"{url}/questions/{question.id}/reponse",
                          {f"reponse-{question.id}-answer": "Deux par semaine."},
                          form_url=url, follow=True)
    page = response.get_data(as_text=True)
    assert "sera publiée après relecture" in page
    assert "Votre réponse attend la relecture" in page
    assert outbox("karim@exemple.fr") == []
    web.logout()
    assert "Deux par semaine." not in web.get(url).get_data(as_text=True)

    db.session.expire_all()
    moderation.decide(UserFactory(roles=["moderator"]), moderation.kind_of("answer"),
                      question.answer, "publish", seen_state=S.PENDING)
    db.session.commit()
    assert "Deux par semaine." in web.get(url).get_data(as_text=True)
    assert "a répondu" in outbox("karim@exemple.fr")[-1].subject
    web.login("karim@exemple.fr", PASSWORD)
    page = web.get(url).get_data(as_text=True)
    assert f"/clara/moderation/signaler/answer/{question.answer.id}" in page
    assert f'href="/membres/{asker.id}"' in page  # the asker's name leads to their page


def test_member_pages_cannot_be_walked_to_list_patient_experts(web):
    """Without a public contribution or a shared context, a member page is a 404."""
    silent = UserFactory(name="Nadia Ferhat", roles=["patient_expert"])
    UserFactory(email="karim@exemple.fr")
    UserFactory(email="modo@exemple.fr", roles=["moderator"])
    db.session.commit()
    web.login("karim@exemple.fr")
    assert web.get(f"/membres/{silent.id}").status_code == 404
    web.logout()
    web.login("modo@exemple.fr")
    assert "Nadia Ferhat" in web.get(f"/membres/{silent.id}").get_data(as_text=True)
