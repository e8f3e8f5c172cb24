"""The pages of the night and after: companions on the registration form, the
organiser's phone registration and printed confirmation, moving, notes, the door
(check-in person by person, walk-ins), the evening's record and the satisfaction page."""

import re
from datetime import timedelta

from sqlalchemy import select

from patientlab.core.models import utcnow
from patientlab.core.security import Role
from patientlab.core.typography import french_spacing as fr
from patientlab.events.models import Registration, SatisfactionAnswer
from patientlab.events.models import RegistrationStatus as S
from patientlab.events.services.after_evening import (
    answer_satisfaction,
    record_evening,
    send_satisfaction_requests,
)
from patientlab.events.services.registration import (
    RegistrationData,
    cancel_registration,
    register,
    register_by_phone,
)
from patientlab.events.services.seating import CompanionData
from patientlab.extensions import db
from tests.conftest import link_in, outbox
from tests.factories import make_event
from tests.functional.events.figures import figures_in

LABELS = ("Personnes inscrites confirmées", "Personnes inscrites arrivées",
          "Entrées sans inscription", "Personnes dans la salle", "Places libres")


def test_a_visitor_names_her_companions_and_their_needs(web):
    event = make_event(capacity=5)
    db.session.commit()
    url = f"/clara/evenements/{event.id}"
    page = web.get(f"{url}/inscription?places=2").get_data(as_text=True)
    assert "Personne 2 du groupe" in page
    assert 'id="companions-0-name"' in page
    assert 'id="companions-1-name"' not in page
    response = web.submit(f"{url}/inscription", {
        "name": "Nadia Benali", "email": "nadia@exemple.fr", "seats": "2",
        "privacy_consent": "y", "needs_consent": "y", "companions-0-name": "Karim Benali",
        "companions-0-needs": "lsf"}, form_url=url)
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration))
    assert [(c.name, c.need_list) for c in registration.companions] == [("Karim Benali", ["lsf"])]
    page = web.get(link_in(outbox("nadia@exemple.fr")[0])).get_data(as_text=True)
    assert "Karim Benali" in page


def test_more_companions_than_seats_shows_the_error_and_keeps_what_was_typed(web):
    event = make_event(capacity=5)
    db.session.commit()
    url = f"/clara/evenements/{event.id}"
    page = web.submit(f"{url}/inscription", {
        "name": "Nadia Benali", "email": "nadia@exemple.fr", "seats": "1",
        "companions-0-name": "Karim Benali", "companions-1-needs_other": "Chien guide"},
        form_url=url).get_data(as_text=True)
    # Every error in the first round: the seats and the consents together.
    assert "Vous avez indiqué 2 personnes qui viennent avec vous" in page
    assert "Cochez la case pour accepter l’utilisation de vos données." in page
    assert "la case d’accord" in page
    assert 'value="Karim Benali"' in page
    assert "Chien guide" in page
    assert re.search(r'<select[^>]* id="seats"', page)  # to choose again, in view
    assert db.session.scalar(select(Registration)) is None


def test_the_organiser_registers_a_caller_without_email_and_prints_her_confirmation(
        web, make_user):
    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event = make_event(organiser, capacity=1)
    db.session.commit()
    web.login("sophie@exemple.fr")
    form_url = f"/clara/organisation/evenements/{event.id}/inscrire"
    page = web.submit(form_url, {"name": "Jeanne Martin", "phone": "pas de numéro"}
                      ).get_data(as_text=True)
    assert "Saisissez un numéro de téléphone en chiffres" in page
    assert "Demandez-lui son accord, puis cochez la case." in page
    assert 'value="Jeanne Martin"' in page
    page = web.submit(form_url, {"name": "Jeanne Martin", "phone": "12", "seats": "1",
                                 "privacy_consent": "y"}).get_data(as_text=True)
    assert "Saisissez le numéro complet" in page  # « 12 » cannot be called back
    assert 'value="12"' in page
    response = web.submit(form_url, {"name": "Jeanne Martin", "phone": "04 78 00 00 01",
                                     "seats": "1", "privacy_consent": "y"})
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration))
    assert (registration.email, registration.phone, registration.status) == (
        None, "04 78 00 00 01", S.CONFIRMED)
    assert outbox() == []
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "par téléphone" in page
    assert "Renvoyer son lien" not in page
    printed = web.get(f"/clara/organisation/evenements/{event.id}/inscriptions/{registration.id}"
                      "/confirmation").get_data(as_text=True)
    assert fr("Votre place est confirmée : 1 place.") in printed
    assert event.venue_name in printed


def test_a_promoted_caller_appears_on_the_dashboard_until_the_call_is_made(web, make_user):
    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event = make_event(organiser, capacity=1)
    first = register(event.id, RegistrationData(
        name="Nadia", email="nadia@exemple.fr", privacy_consent=True))
    jeanne = register_by_phone(organiser, event, RegistrationData(
        name="Jeanne Martin", phone="0478000001", privacy_consent=True))
    cancel_registration(first.id)
    db.session.commit()
    web.login("sophie@exemple.fr")
    dashboard = f"/clara/organisation/evenements/{event.id}"
    page = web.get(dashboard).get_data(as_text=True)
    assert "À prévenir par téléphone" in page
    assert fr("Une place s’est libérée : son inscription est confirmée.") in page
    response = web.submit(f"{dashboard}/inscriptions/{jeanne.id}/prevenue", prefix="called-",
                          form_url=dashboard)
    assert response.status_code == 302
    assert "À prévenir par téléphone" not in web.get(dashboard).get_data(as_text=True)


def test_the_organiser_moves_a_registration_and_writes_a_note(web, make_user):
    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event = make_event(organiser, theme="nutrition")
    target = make_event(organiser, theme="nutrition", days=20, title="Manger autrement")
    registration = register(event.id, RegistrationData(
        name="Nadia", email="nadia@exemple.fr", privacy_consent=True))
    db.session.commit()
    web.login("sophie@exemple.fr")
    page_url = f"/clara/organisation/evenements/{event.id}/inscriptions/{registration.id}"
    page = web.get(page_url).get_data(as_text=True)
    assert "Manger autrement" in page
    web.submit(f"{page_url}/note", {"note-note": "Arrive <b>en taxi</b>"}, prefix="note-",
               form_url=page_url)
    page = web.get(page_url).get_data(as_text=True)
    assert "Arrive &lt;b&gt;en taxi&lt;/b&gt;" in page  # escaped, never markup
    page = web.submit(f"{page_url}/deplacer", {"move-target": "0"}, prefix="move-",
                      form_url=page_url).get_data(as_text=True)
    assert "Choisissez une autre soirée à venir du même thème." in page
    response = web.submit(f"{page_url}/deplacer", {"move-target": str(target.id)},
                          prefix="move-", form_url=page_url)
    assert response.status_code == 302
    moved = db.session.scalar(select(Registration).where(Registration.event_id == target.id))
    assert response.headers["Location"].endswith(f"/{target.id}/inscriptions/{moved.id}")
    assert "en taxi" in moved.note


def test_the_door_checks_in_one_companion_and_lets_in_walk_ins_while_there_is_room(
        web, make_user):
    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event = make_event(organiser, capacity=4)
    group = register(event.id, RegistrationData(
        name="Nadia Benali", email="nadia@exemple.fr", seats=3, privacy_consent=True,
        companions=[CompanionData("Karim Benali")]))
    db.session.commit()
    web.login("sophie@exemple.fr")
    door = f"/clara/organisation/evenements/{event.id}/accueil"
    page = web.get(f"{door}?q=karim").get_data(as_text=True)
    assert "Nadia Benali" in page  # found by a companion's name
    karim = group.companions[0]
    response = web.submit(f"{door}/{group.id}?personne={karim.id}", form_url=door)
    assert response.headers["Location"].endswith(f"#inscription-{group.id}")
    page = web.get(door).get_data(as_text=True)
    assert fr("Arrivée pointée : Karim Benali.") in page
    assert "1 sur 3 arrivées" in page
    page = web.submit(f"{door}/sans-inscription", {"walk_in-seats": "2"}, prefix="walk_in-",
                      form_url=door).get_data(as_text=True)
    assert fr("La salle est pleine : il reste 1 place libre.") in page
    response = web.submit(f"{door}/sans-inscription", {"walk_in-seats": "1",
                                                       "walk_in-name": "Paul"},
                          prefix="walk_in-", form_url=door)
    assert response.status_code == 302
    page = web.get(door).get_data(as_text=True)
    assert fr("Entrée sans inscription enregistrée : Paul.") in page
    assert figures_in(page, LABELS) == {
        "Personnes inscrites confirmées": 3, "Personnes inscrites arrivées": 1,
        "Entrées sans inscription": 1, "Personnes dans la salle": 2, "Places libres": 0}


def test_the_door_undoes_a_check_in_made_by_mistake_through_its_own_address(web, make_user):
    """Checking in and undoing it are two actions: the page's two buttons post to two
    addresses, and the undone person is no longer counted."""
    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event = make_event(organiser, capacity=4)
    group = register(event.id, RegistrationData(
        name="Nadia Benali", email="nadia@exemple.fr", seats=1, privacy_consent=True))
    db.session.commit()
    web.login("sophie@exemple.fr")
    door = f"/clara/organisation/evenements/{event.id}/accueil"
    web.submit(f"{door}/{group.id}", form_url=door)
    page = web.get(door).get_data(as_text=True)
    assert f'action="{door}/{group.id}/annuler"' in page
    response = web.submit(f"{door}/{group.id}/annuler", form_url=door)
    assert response.headers["Location"].endswith(f"#inscription-{group.id}")
    page = web.get(door).get_data(as_text=True)
    assert fr("Pointage annulé : Nadia Benali.") in page
    assert db.session.get(Registration, group.id).present == 0


def _held_with_answers(organiser, answers):
    event = make_event(organiser)
    people = [register(event.id, RegistrationData(
        name=f"P{i}", email=f"p{i}@exemple.fr", privacy_consent=True)) for i in range(4)]
    now = utcnow()
    event.starts_at, event.ends_at = now - timedelta(days=1, hours=3), now - timedelta(days=1)
    record_evening(organiser, event, "", False)
    send_satisfaction_requests()
    for person, (score, comment) in zip(people, answers, strict=False):
        answer_satisfaction(person, score, comment)
    return event, people


def test_the_record_page_shows_attendance_and_the_results_as_chart_and_table(web, make_user):
    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event, _people = _held_with_answers(organiser, [(5, "Bravo"), (4, ""), (2, "Trop long")])
    db.session.commit()
    web.login("sophie@exemple.fr")
    page = web.get(f"/clara/organisation/evenements/{event.id}/bilan").get_data(as_text=True)
    assert fr("3 réponses sur 4 personnes interrogées ; note moyenne : 3,7 sur 5.") in page
    assert 'id="graphique-satisfaction-titre"' in page
    assert "<table>" in page
    assert "Trop long" in page
    response = web.submit(f"/clara/organisation/evenements/{event.id}/bilan", {
        "replay_url": "https://video.exemple.fr/r", "send_replay": "y"})
    assert response.status_code == 302
    assert len([m for m in outbox() if "Revoir" in m.subject]) == 4


def test_results_stay_hidden_below_three_answers(web, make_user):
    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event, _people = _held_with_answers(organiser, [(1, "Je suis Paul, c’était nul")])
    db.session.commit()
    web.login("sophie@exemple.fr")
    page = web.get(f"/clara/organisation/evenements/{event.id}/bilan").get_data(as_text=True)
    assert "Les résultats s’affichent à partir de 3 réponses" in page
    assert "c’était nul" not in page


def test_a_registrant_answers_the_satisfaction_question_once(web, make_user):
    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    _event, _people = _held_with_answers(organiser, [])
    db.session.commit()
    mail = next(m for m in outbox("p0@exemple.fr") if "avis" in m.subject)
    url = next(line.split(" ")[-1] for line in mail.body_text.splitlines()
               if "/clara/inscriptions/avis/" in line)
    path = url[url.index("/clara/inscriptions"):]
    page = web.submit(path, {"comment": "Sans note"}).get_data(as_text=True)
    assert "Choisissez une note de 1 à 5." in page
    assert "Sans note" in page
    assert web.submit(path, {"score": "4", "comment": "Merci"}).status_code == 302
    page = web.get(path).get_data(as_text=True)
    assert "Vous avez donné votre avis." in page
    assert 'name="score"' not in page
    assert web.submit(path, {"score": "1"}, form_url="/clara/evenements/").status_code == 200
    assert db.session.scalar(select(db.func.count()).select_from(SatisfactionAnswer)) == 1
    assert web.get("/clara/inscriptions/avis/faux").status_code == 400


def test_the_dashboard_of_a_past_evening_shows_its_figures(web, make_user):
    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event, _people = _held_with_answers(organiser, [(5, ""), (4, ""), (4, "")])
    db.session.commit()
    web.login("sophie@exemple.fr")
    page = web.get(f"/clara/organisation/evenements/{event.id}").get_data(as_text=True)
    assert figures_in(page, LABELS) == {
        "Personnes inscrites confirmées": 4, "Personnes inscrites arrivées": 0,
        "Entrées sans inscription": 0, "Personnes dans la salle": 0, "Places libres": 16}
    record = web.get(f"/clara/organisation/evenements/{event.id}/bilan").get_data(as_text=True)
    assert "4 personnes inscrites confirmées. Aucune arrivée n’a été pointée" in record
    assert fr("note moyenne : 4,3 sur 5") in page
    assert 'id="graphique-satisfaction-titre"' in page
    upcoming = make_event(organiser)
    db.session.commit()
    assert "L’avis du public" not in web.get(
        f"/clara/organisation/evenements/{upcoming.id}").get_data(as_text=True)
