"""A selection committee from agenda to minutes. Anne (coordination, on her laptop) runs
the session; Martine (patient expert, on her phone with text at 150 %) and three other
members score; Nadia leaves the room for a project she is linked to; Inès forgets her
final score. Anne tries to close with projects left and is asked first, reopens, records
the recommendations (told by name who has not scored), reads the minutes; Martine reads
the members' minutes from the mail the committee sends, which count who left the room
without naming them."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from patientlab.auth.services import get_user_by_email
from patientlab.calls import committee as cm
from patientlab.core.models import utcnow
from patientlab.core.security import Role
from patientlab.extensions import db
from tests.factories import UserFactory, make_application, make_call

TITLES = ["Marcher après la chimiothérapie", "Une ligne d’écoute pour les aidants",
          "Cuisiner pendant les traitements"]


def _committee(journey_app):
    """The call's three applications on the agenda; four members, Nadia linked to the
    second project; preliminary scores given before the meeting (Martine gives hers on
    her phone)."""
    with journey_app.app_context():
        chair = get_user_by_email("coordination@exemple.fr")
        call = make_call(state="responses", title="Appel « Vivre avec » du parcours")
        owner = UserFactory(email="porteuse.parcours@exemple.fr", roles=[Role.RESEARCHER])
        apps = [make_application(owner=owner, call=call, title=t) for t in TITLES]
        meeting = cm.create_session(chair, call, "Comité du parcours",
                                    utcnow() + timedelta(hours=2), "Salle 3", "", 9)
        people = {
            "martine": get_user_by_email("patient@exemple.fr"),
            "nadia": UserFactory(email="nadia.parcours@exemple.fr", name="Nadia Lemoine",
                                 roles=[Role.PATIENT_EXPERT]),
            "paul": UserFactory(email="paul.parcours@exemple.fr", name="Paul Girard",
                                roles=[Role.RESEARCHER]),
            "ines": UserFactory(email="ines.parcours@exemple.fr", name="Inès Moreau",
                                roles=[Role.RESEARCHER]),
        }
        for key, person in people.items():
            cm.add_member(chair, meeting, person,
                          cm.PATIENT if key in ("martine", "nadia") else cm.SCIENTIST)
        items = {i.application_id: i for i in meeting.items}
        first, second = items[apps[0].id], items[apps[1].id]
        cm.declare_conflict(people["nadia"], second)
        for key, score in (("paul", 5), ("ines", 6), ("nadia", 8)):
            cm.save_preliminary(people[key], first, score, "")
        db.session.commit()
        return meeting.id, [i.id for i in meeting.items], {k: p.id for k, p in people.items()}


def _score(journey_app, session_id, point_id, email, score):
    with journey_app.app_context():
        item = db.session.get(cm.AgendaItem, point_id)
        cm.save_final(get_user_by_email(email), item, score)
        db.session.commit()


def test_coordinator_runs_a_committee_from_agenda_to_minutes(
        journey_app, journey_url, laptop, phone, log_in, look, mailbox):
    session_id, points, _people = _committee(journey_app)
    session_url = f"{journey_url}/clara/comite/{session_id}"
    minutes_mails = len(mailbox.to("patient@exemple.fr"))

    # Before the meeting, Martine gives her preliminary score on her phone.
    martine = log_in(phone(text_size=150), "patient@exemple.fr")
    martine.goto(journey_url + "/clara/comite/")
    look(martine, "member: my committees")
    martine.get_by_role("link", name="Comité du parcours").click()
    look(martine, "member: agenda")
    expect(martine.locator("main")).to_contain_text(
        "Vous n’avez pas encore donné de note préliminaire.")
    martine.get_by_role("link", name=TITLES[0]).click()
    look(martine, "member: item before the meeting")
    main = martine.inner_text("main")
    assert "Donnez votre note préliminaire" in main
    assert "Les notes du comité" not in main  # nobody's preliminary score before opening
    martine.locator("input[name='prelim-score'][value='7']").check()
    martine.get_by_label("Votre commentaire, en quelques mots").fill(
        "Utile : on se sent seule après la chimio.")
    martine.get_by_role("button", name="Enregistrer ma note préliminaire").click()
    expect(martine.locator(".notice--success")).to_contain_text(
        f"Votre note préliminaire pour « {TITLES[0]} » est enregistrée : 7 sur 9.")

    # She thinks she has a link with the third project: the button leads to a page that
    # says what happens; she confirms, then sees she was wrong and takes it back.
    martine.goto(session_url)
    martine.get_by_role("button", name=re.compile(
        f"je sors de la salle.*{TITLES[2]}")).click()
    look(martine, "member: leave the room?")
    expect(martine.locator("h1")).to_contain_text(f"Sortir de la salle pour « {TITLES[2]} »")
    expect(martine.locator("main")).to_contain_text(
        "Vous ne verrez plus ce projet et ne le noterez pas.")
    martine.get_by_role("button", name="Oui, je sors de la salle pour ce projet").click()
    look(martine, "member: agenda, out of the room")
    expect(martine.locator("main")).to_contain_text(
        f"{TITLES[2]} — Vous êtes sorti ou sortie de la salle pour ce projet.")
    martine.get_by_role("button", name=re.compile(
        "Annuler : je ne sors pas de la salle")).click()
    expect(martine.locator(".notice--success")).to_contain_text(
        f"vous restez dans la salle pour « {TITLES[2]} »")
    expect(martine.get_by_role("link", name=TITLES[2])).to_be_visible()

    # Anne opens the session on her laptop: attendance, then the first project.
    anne = log_in(laptop(), "coordination@exemple.fr")
    anne.goto(journey_url + "/clara/comite/")
    look(anne, "chair: committees")
    anne.get_by_role("link", name="Comité du parcours").first.click()
    look(anne, "chair: agenda")
    main = anne.inner_text("main")
    assert "Sortis de la salle : Nadia Lemoine" in main.replace("\u00a0", " ")
    for name in ("Martine D.", "Nadia Lemoine", "Paul Girard", "Inès Moreau"):
        anne.get_by_role("button", name=f"Noter présent ({name})").click()
        expect(anne.get_by_role("button", name=f"Noter absent ({name})")).to_be_visible()
    anne.get_by_role("link", name=TITLES[0]).first.click()
    anne.get_by_role("button", name="Ouvrir la discussion de ce projet").click()
    expect(anne.locator("main")).to_contain_text("En discussion")
    look(anne, "chair: item open")
    main = anne.inner_text("main")
    assert "Votre note finale" not in main  # Anne chairs; she is not a member
    assert "(comite)" not in main

    # Members give their final scores; Martine finds the project from the agenda.
    martine.goto(session_url)
    martine.get_by_role("link", name=re.compile("discute en ce moment")).click()
    look(martine, "member: item in discussion")
    # The chart says which scores it shows, and its text stays readable at 150 % on the
    # phone (it shrank with the drawing to about 9 px).
    expect(martine.get_by_text(
        "Notes préliminaires (pas encore de note finale) : combien de membres ont donné "
        "chaque note")).to_be_visible()
    heights = martine.eval_on_selector_all(
        ".chart text", "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights
    assert min(heights) >= 18, heights
    expect(martine.locator("main")).to_contain_text("Votre note préliminaire était 7.")
    martine.locator("input[name='final-score'][value='8']").check()
    martine.get_by_role("button", name="Enregistrer ma note finale").click()
    expect(martine.locator(".notice--success")).to_contain_text(
        f"Votre note finale pour « {TITLES[0]} » est enregistrée : 8 sur 9.")
    _score(journey_app, session_id, points[0], "paul.parcours@exemple.fr", 6)
    _score(journey_app, session_id, points[0], "nadia.parcours@exemple.fr", 7)

    # Anne tries to end the session: she is told what is left and asked first.
    anne.goto(session_url)
    anne.get_by_role("link", name="Terminer la séance").click()
    look(anne, "chair: end the session?")
    main = anne.inner_text("main").replace("\u00a0", " ")
    assert "2 dossiers n’ont pas été discutés" in main
    assert "1 dossier est en discussion sans recommandation" in main
    anne.get_by_role("button", name="Terminer la séance").click()
    expect(anne.locator("h1")).to_contain_text("Procès-verbal")
    look(anne, "chair: minutes of the closed session")

    # Closed: each member is told the minutes are ready; Martine can no longer change
    # anything, and undiscussed items say so.
    mail = mailbox.wait_for(to="patient@exemple.fr", subject_contains="procès-verbal",
                            after=minutes_mails)
    assert mail.subject.replace("\u00a0", " ") == "Procès-verbal prêt : Comité du parcours"
    assert "Merci d’y avoir participé" in mail.text  # she was there
    assert mail.link(containing=f"/clara/comite/{session_id}/proces-verbal")
    martine.goto(f"{session_url}/points/{points[2]}")
    look(martine, "member: undiscussed item, session closed")
    main = martine.inner_text("main")
    assert "Donnez votre note préliminaire" not in main
    assert "Il n’a pas été discuté." in main
    assert martine.locator("input[name='prelim-score']").count() == 0

    # Anne reopens it (why is kept in the history) and goes on.
    anne.goto(session_url)
    anne.get_by_role("link", name="Rouvrir la séance").click()
    look(anne, "chair: reopen")
    anne.get_by_label("Pourquoi rouvrir la séance ?").fill(
        "Deux projets n’ont pas été discutés.")
    before = {words: sum(words in m.subject for m in mailbox.to("patient@exemple.fr"))
              for words in ("en révision", "modifié")}
    anne.get_by_role("button", name="Rouvrir la séance").click()
    expect(anne.locator(".notice--success")).to_contain_text("La séance est rouverte")
    # The members are told the minutes are being revised, and why.
    mail = mailbox.wait_for(to="patient@exemple.fr", subject_contains="en révision",
                            after=before["en révision"])
    assert "Deux projets n’ont pas été discutés." in mail.text

    # The recommendation: Inès has not given her final score, Anne is told by name.
    anne.get_by_role("link", name=TITLES[0]).first.click()
    main = anne.inner_text("main").replace("\u00a0", " ")
    assert "Pas encore de note finale de 1 membre présent : Inès Moreau." in main
    anne.get_by_label("financer", exact=True).check()
    reasons = "Les patientes disent qu’elles ont besoin de bouger après la chimiothérapie."
    anne.get_by_label("Les raisons, en mots simples").fill(reasons)
    anne.get_by_role("button", name="Enregistrer la recommandation").click()
    look(anne, "chair: recommendation refused, scores missing")
    assert "Inès Moreau" in anne.locator(".error-summary").inner_text()
    expect(anne.get_by_label("Les raisons, en mots simples")).to_have_value(reasons)
    anne.get_by_label("Enregistrer sans les notes finales qui manquent").check()
    anne.get_by_role("button", name="Enregistrer la recommandation").click()
    expect(anne.locator("main")).to_contain_text("Recommandation du comité : financer")

    # The second project: Nadia is out of the room; everyone present scores.
    anne.goto(f"{session_url}/points/{points[1]}")
    anne.get_by_role("button", name="Ouvrir la discussion de ce projet").click()
    for email, score in (("patient@exemple.fr", 4), ("paul.parcours@exemple.fr", 3),
                         ("ines.parcours@exemple.fr", 4)):
        _score(journey_app, session_id, points[1], email, score)
    anne.reload()
    assert "Pas encore de note finale" not in anne.inner_text("main")
    anne.get_by_label("ne pas financer").check()
    anne.get_by_label("Les raisons, en mots simples").fill(
        "Une ligne existe déjà dans la région ; le projet ne dit pas ce qu’il ajoute.")
    anne.get_by_role("button", name="Enregistrer la recommandation").click()
    expect(anne.locator("main")).to_contain_text("Recommandation du comité : ne pas financer")

    # Ends it for good; one project was never discussed.
    anne.goto(session_url)
    anne.get_by_role("link", name="Terminer la séance").click()
    assert "1 dossier n’a pas été discuté" in anne.inner_text("main").replace("\u00a0", " ")
    anne.get_by_role("button", name="Terminer la séance").click()
    look(anne, "chair: minutes")
    main = anne.inner_text("main").replace("\u00a0", " ")
    assert "Sortis de la salle (liens avec le projet) : Nadia Lemoine" in main
    assert "Pas discuté : les notes préliminaires restent confidentielles." in main
    anne.get_by_role("link", name=re.compile("version des membres")).click()
    look(anne, "chair: members' minutes")
    assert "Sortis de la salle (liens avec le projet)" not in anne.inner_text("main")

    # Martine reads the members' minutes from the mail: how many left the room, not who.
    mail = mailbox.wait_for(to="patient@exemple.fr", subject_contains="modifié",
                            after=before["modifié"])
    # It says what changed: both discussed projects now have their recommendation.
    text = mail.text.replace("\u00a0", " ")
    assert f"- {TITLES[0]} : financer" in text
    assert f"- {TITLES[1]} : ne pas financer" in text
    assert "Nadia" not in mail.text
    martine.goto(mail.link(containing=f"/clara/comite/{session_id}/proces-verbal"))
    look(martine, "member: minutes")
    main = martine.inner_text("main").replace("\u00a0", " ")
    assert "Sortis de la salle (liens avec le projet)" not in main
    assert "Sortis de la salle\n1" in main or "Sortis de la salle 1" in main
    assert "Financer." in main
    assert "Ne pas financer." in main
    assert "Les patientes disent qu’elles ont besoin de bouger" in main
