import csv
import io
import re

from sqlalchemy import select

from patientlab.core.security import Role
from patientlab.core.typography import french_spacing as fr
from patientlab.events.models import Registration
from patientlab.events.models import RegistrationStatus as S
from patientlab.extensions import db
from tests.conftest import link_in, outbox
from tests.factories import UserFactory, make_event

FORM = {"name": "Nadia Benali", "email": "nadia@exemple.fr", "seats": "2",
        "privacy_consent": "y"}


def test_list_shows_upcoming_events_places_and_filters(client):
    full = make_event(capacity=0, title="Soirée complète", theme="nutrition")
    make_event(title="Soirée en ligne", format="online", theme="progres")
    past = make_event(days=-30, title="Soirée passée")
    db.session.commit()
    page = client.get("/clara/evenements/").get_data(as_text=True)
    assert "Complet — liste d’attente ouverte" in page
    assert "Soirée passée" not in page
    assert "Soirée en ligne" in client.get(
        "/clara/evenements/?format=online").get_data(as_text=True)
    assert full.title not in client.get("/clara/evenements/?theme=progres").get_data(as_text=True)
    assert past.title in client.get("/clara/evenements/?periode=passees").get_data(as_text=True)


def test_visitor_registers_with_family_and_an_access_need_then_cancels(web):
    event = make_event(capacity=3)
    db.session.commit()
    url = f"/clara/evenements/{event.id}"
    page = web.get(url).get_data(as_text=True)
    assert "Accès sans marche" in page
    response = web.submit(f"{url}/inscription",
                          {**FORM, "needs": "step_free", "needs_consent": "y"}, form_url=url)
    assert response.status_code == 302
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Merci, votre demande est enregistrée" in page
    assert "Nous avons envoyé un e-mail à nadia@exemple.fr." in page
    [message] = outbox("nadia@exemple.fr")
    assert message.attachment_name == "parle-moi.ics"
    link = link_in(message)
    assert link.startswith("/clara/inscriptions/")
    page = web.get(link).get_data(as_text=True)
    assert fr("Places confirmées : 2.") in page

    response = web.submit(f"{link}/annuler", form_url=link, follow=True)
    assert "Votre inscription est annulée" in response.get_data(as_text=True)
    reg = db.session.scalar(select(Registration))
    db.session.refresh(reg)
    assert reg.status == S.CANCELLED


def test_form_errors_keep_input_and_needs_without_consent_are_refused(web):
    event = make_event()
    db.session.commit()
    url = f"/clara/evenements/{event.id}"
    page = web.submit(f"{url}/inscription", {"name": "Nadia", "email": "pas-une-adresse",
                                             "seats": "9"}, form_url=url).get_data(as_text=True)
    assert fr("<title>Erreur :") in page
    assert "Saisissez une adresse e-mail valide" in page
    assert 'value="pas-une-adresse"' in page
    page = web.submit(f"{url}/inscription", {**FORM, "needs": "lsf"},
                      form_url=url).get_data(as_text=True)
    assert "cochez la case d’accord" in page
    assert re.search(r'<input checked[^>]*value="lsf"', page)
    assert db.session.scalar(select(Registration)) is None


def test_a_name_carries_no_web_address_into_our_mail(web):
    """The name goes into the mail to an address nobody proved yet: not a message."""
    event = make_event()
    db.session.commit()
    url = f"/clara/evenements/{event.id}"
    name = "Martine. URGENT confirmez ici https://patientlab-verif.example/login"
    page = web.submit(f"{url}/inscription", {**FORM, "name": name},
                      form_url=url).get_data(as_text=True)
    assert "sans adresse web" in page
    assert "patientlab-verif.example/login" in page  # what was typed stays, to be corrected
    assert db.session.scalar(select(Registration)) is None


def test_double_submission_creates_one_registration(web):
    event = make_event()
    db.session.commit()
    url = f"/clara/evenements/{event.id}"
    web.submit(f"{url}/inscription", FORM, form_url=url)
    web.submit(f"{url}/inscription", FORM, form_url=url, follow=True)
    assert len(db.session.scalars(select(Registration)).all()) == 1
    assert "déjà inscrit ou inscrite" in outbox("nadia@exemple.fr")[-1].subject


def test_registering_tells_a_stranger_nothing_about_an_address(web):
    """The same answer for a new and an already registered address; the owner is mailed."""
    event = make_event()
    db.session.commit()
    url = f"/clara/evenements/{event.id}"
    first = web.submit(f"{url}/inscription", FORM, form_url=url, follow=True)
    again = web.submit(f"{url}/inscription", {**FORM, "name": "Quelqu’un d’autre"},
                       form_url=url, follow=True)
    assert first.status_code == again.status_code == 200
    def main(response):
        return re.sub(r'name="csrf_token"[^>]*>', "", response.get_data(as_text=True))
    assert main(first) == main(again)
    assert "Quelqu’un d’autre" not in "".join(m.body_text for m in outbox("nadia@exemple.fr"))


def test_a_person_logged_in_with_the_same_proved_address_sees_the_registration(web):
    from tests.factories import UserFactory

    UserFactory(email="nadia@exemple.fr", name="Nadia")
    event = make_event()
    db.session.commit()
    web.login("nadia@exemple.fr")
    url = f"/clara/evenements/{event.id}"
    page = web.submit(f"{url}/inscription", FORM, form_url=url, follow=True)
    assert "Merci, votre inscription est enregistrée" in page.get_data(as_text=True)
    page = web.submit(f"{url}/inscription", FORM, form_url=url, follow=True)
    assert "Votre inscription" in page.get_data(as_text=True)


def test_tampered_link_is_a_clear_400(client):
    response = client.get("/clara/inscriptions/pas-un-vrai-lien")
    assert response.status_code == 400
    assert "Ce lien ne fonctionne plus" in response.get_data(as_text=True)


def test_calendar_downloads(client):
    event = make_event()
    db.session.commit()
    response = client.get(f"/clara/evenements/{event.id}.ics")
    assert response.mimetype == "text/calendar"
    assert "BEGIN:VTIMEZONE" in response.get_data(as_text=True)
    assert "TZID:Europe/Paris" in client.get("/clara/evenements.ics").get_data(as_text=True)


def test_organiser_dashboard_csv_check_in_and_permissions(web, make_user):
    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    make_user(Role.ORGANISER, email="autre@exemple.fr")
    event = make_event(organiser, capacity=2)
    db.session.add_all([
        Registration(event_id=event.id, name="=HYPERLINK(\"x\")", email="a@exemple.fr",
                     seats=2, status=S.CONFIRMED, needs="step_free", link_key="k"),
        Registration(event_id=event.id, name="Bernard", email="=1+1+cmd|' /C calc'!A0@x.fr",
                     seats=1, status=S.WAITING, link_key="k")])
    db.session.commit()
    base = f"/clara/organisation/evenements/{event.id}"

    web.login("autre@exemple.fr")
    assert web.get(base).status_code == 403
    assert web.get(f"{base}/inscrits.csv").status_code == 403
    web.logout()

    web.login("sophie@exemple.fr")
    page = web.get(base).get_data(as_text=True)
    assert "Accès sans marche (fauteuil roulant, déambulateur) : 1" in page
    assert "Bernard" in web.get(f"{base}?q=bern").get_data(as_text=True)
    response = web.get(f"{base}/inscrits.csv")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Nom"
    assert rows[1][0].startswith("'=")  # no formula injection in spreadsheets
    assert rows[2][1].startswith("'=1+1+cmd")  # the e-mail column too
    assert "Feuille de présence" in web.get(f"{base}/feuille-de-presence").get_data(as_text=True)

    registration = db.session.scalar(select(Registration).where(Registration.seats == 2))
    web.submit(f"{base}/accueil/{registration.id}", form_url=f"{base}/accueil")
    db.session.refresh(registration)
    assert registration.checked_in_at is not None
    page = web.get(f"{base}/accueil").get_data(as_text=True)
    assert fr("Arrivée pointée : =HYPERLINK") in page  # said in the card, once
    assert "Arrivée pointée" not in web.get(f"{base}/accueil").get_data(as_text=True)


def test_organiser_creates_an_event_in_paris_time(web, make_user):
    make_user(Role.ORGANISER, email="sophie@exemple.fr")
    web.login("sophie@exemple.fr")
    response = web.submit("/clara/organisation/evenements/nouvelle", {
        "title": "Nouvelle soirée", "theme": "nutrition", "date": "2027-03-12",
        "start_time": "18:30", "end_time": "20:30", "format": "onsite", "capacity": "80",
        "step_free": "y", "town": "Saint-Étienne", "postcode": "42 000"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    from patientlab.events.models import Event

    event = db.session.scalar(select(Event).where(Event.title == "Nouvelle soirée"))
    assert event.starts_at.hour == 17  # 18:30 in Paris is 17:30 UTC in March
    assert (event.town, event.postcode, event.department) == ("Saint-Étienne", "42000", "42")
    page = web.submit("/clara/organisation/evenements/nouvelle", {
        "title": "", "theme": "nutrition", "date": "2027-03-12", "start_time": "20:30",
        "end_time": "18:30", "format": "onsite", "capacity": "-1",
        "postcode": "00123"}).get_data(as_text=True)
    assert "Donnez un titre à la soirée." in page
    assert "Entre 0 et 5 000 places." in page
    assert "Indiquez la ville, par exemple Lyon." in page
    assert "Saisissez un code postal français de 5 chiffres, par exemple 69004." in page
    assert 'value="00123"' in page  # what was typed stays
    response = web.submit("/clara/organisation/evenements/nouvelle", {
        "title": "En ligne", "theme": "nutrition", "date": "2027-03-12",
        "start_time": "18:30", "end_time": "20:30", "format": "online", "capacity": "80"})
    assert response.status_code == 302  # online: no town asked


def test_moving_an_evening_tells_the_registrants_and_the_organiser_sees_it(web, make_user):
    from patientlab.events.services.registration import RegistrationData, register

    make_user(Role.ORGANISER, email="sophie@exemple.fr")
    web.login("sophie@exemple.fr")
    web.submit("/clara/organisation/evenements/nouvelle", {
        "title": "Soirée qui bouge", "theme": "nutrition", "date": "2027-03-12",
        "start_time": "18:30", "end_time": "20:30", "format": "onsite", "capacity": "80",
        "venue_name": "Salle A", "address": "Lyon", "town": "Lyon", "postcode": "69004"})
    from patientlab.events.models import Event

    event = db.session.scalar(select(Event).where(Event.title == "Soirée qui bouge"))
    dashboard = f"/clara/organisation/evenements/{event.id}"
    web.submit(f"{dashboard}/publier", {"publish": "y"}, form_url=dashboard)
    register(event.id, RegistrationData(
        name="Nadia", email="nadia@exemple.fr", seats=2, privacy_consent=True))
    db.session.commit()
    url = f"/clara/organisation/evenements/{event.id}/modifier"
    assert "chaque personne inscrite" in web.get(url).get_data(as_text=True)
    response = web.submit(url, {
        "title": "Soirée qui bouge", "theme": "nutrition", "date": "2027-03-19",
        "start_time": "18:30", "end_time": "20:30", "format": "onsite", "capacity": "80",
        "venue_name": "Salle B", "address": "Lyon", "town": "Lyon", "postcode": "69004"},
        follow=True)
    assert "1 personne inscrite a reçu un e-mail" in response.get_data(as_text=True)
    mail = outbox("nadia@exemple.fr")[-1]
    assert "Changement" in mail.subject
    assert "Salle B" in mail.body_text


def test_cancelling_an_evening_needs_a_reason(web, make_user):
    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event = make_event(organiser)
    UserFactory()
    db.session.commit()
    web.login("sophie@exemple.fr")
    url = f"/clara/organisation/evenements/{event.id}/annuler"
    web.submit(url, {"reason": ""}, form_url=f"/clara/organisation/evenements/{event.id}/modifier")
    db.session.refresh(event)
    assert event.cancelled_at is None
    web.submit(url, {"reason": "Grève des transports"},
               form_url=f"/clara/organisation/evenements/{event.id}/modifier")
    db.session.refresh(event)
    assert event.cancelled_at is not None


def test_registrations_are_rate_limited_per_address_and_per_evening(app):
    from tests.conftest import FormClient, app_with

    with app_with(app, RATELIMIT_ENABLED=True, RATE_LIMIT_EVENT_REGISTER_PER_IP="2 per minute",
                  RATE_LIMIT_EVENT_REGISTER_PER_EVENT="4 per minute") as limited, \
            limited.app_context():
        db.create_all()
        event = make_event()
        db.session.commit()
        url = f"/clara/evenements/{event.id}"

        def register(client, index):
            return FormClient(client).submit(
                f"{url}/inscription", {**FORM, "email": f"p{index}@exemple.fr"},
                form_url=url).status_code

        one = limited.test_client()
        assert [register(one, i) for i in range(3)] == [302, 302, 429]
        other = limited.test_client()
        other.environ_base["REMOTE_ADDR"] = "10.0.0.2"
        assert [register(other, i) for i in range(3, 5)] == [302, 429]  # the evening's


def test_every_need_reaches_every_place_the_team_prepares_from(web, make_user):
    """« Autre besoin » is on the needs to prepare, the attendance sheet and the door."""
    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event = make_event(organiser, capacity=5)
    db.session.add(Registration(event_id=event.id, name="Nadia", email="n@exemple.fr",
                                seats=1, status=S.CONFIRMED, link_key="k",
                                needs_other="Je viens avec mon chien guide"))
    db.session.commit()
    web.login("sophie@exemple.fr")
    base = f"/clara/organisation/evenements/{event.id}"
    for url in (base, f"{base}/feuille-de-presence", f"{base}/accueil"):
        assert "Je viens avec mon chien guide" in web.get(url).get_data(as_text=True), url


def test_every_registration_error_shows_in_the_first_round(web):
    event = make_event()
    db.session.commit()
    url = f"/clara/evenements/{event.id}"
    assert 'id="inscription"' in web.get(url).get_data(as_text=True)
    page = web.submit(f"{url}/inscription", {"name": "", "email": "", "seats": "1",
                                             "needs": "lsf"}, form_url=url)
    text = page.get_data(as_text=True)
    for message in ("Saisissez votre nom", "Saisissez votre adresse e-mail",
                    "cochez la case d’accord", "Cochez la case pour accepter"):
        assert message in text, message


def test_cancelling_asks_to_confirm_then_mails_a_calendar_cancellation(web):
    from icalendar import Calendar

    event = make_event(capacity=3)
    db.session.commit()
    url = f"/clara/evenements/{event.id}"
    web.submit(f"{url}/inscription", FORM, form_url=url)
    link = link_in(outbox("nadia@exemple.fr")[0])
    page = web.get(f"{link}/annuler").get_data(as_text=True)
    assert fr("Annuler mon inscription ?") in page
    assert "Non, garder mon inscription" in page
    assert db.session.scalar(select(Registration)).status == S.CONFIRMED  # not yet
    page = web.submit(f"{link}/annuler", form_url=f"{link}/annuler",
                      follow=True).get_data(as_text=True)
    assert "Votre inscription est annulée" in page
    assert "liste d’attente" not in page  # nobody was waiting
    assert "Ajouter à mon agenda" not in page
    message = outbox("nadia@exemple.fr")[-1]
    assert "annulée" in message.subject
    assert event.title in message.subject
    assert message.attachment_type == "text/calendar; charset=utf-8; method=CANCEL"
    calendar = Calendar.from_ical(message.attachment_body)
    assert calendar["method"] == "CANCEL"
    [item] = calendar.walk("VEVENT")
    assert item["uid"] == f"parle-moi-{event.id}@patientlab.fr"
    assert int(item["sequence"]) > 0
    [part] = message.to_email("test@patientlab.fr").iter_attachments()
    assert part.get_content_type() == "text/calendar"
    assert (part.get_param("charset"), part.get_param("method")) == ("utf-8", "CANCEL")


def test_the_private_join_link_reaches_confirmed_registrants_only(web, client):
    """Never on the public page, the feed or the public calendar file; on the personal
    page, in the mails and in the calendar file of confirmed people only."""
    from icalendar import Calendar

    event = make_event(capacity=2, format="online", join_url="https://visio.exemple.fr/s3cr3t",
                       dial_in="01 23 45 67 89, code 4242")
    db.session.commit()
    url = f"/clara/evenements/{event.id}"
    web.submit(f"{url}/inscription", FORM, form_url=url)
    web.submit(f"{url}/inscription", {**FORM, "email": "karim@exemple.fr", "seats": "1"},
               form_url=url)
    confirmed_mail = outbox("nadia@exemple.fr")[0]
    waiting_mail = outbox("karim@exemple.fr")[0]
    assert "https://visio.exemple.fr/s3cr3t" in confirmed_mail.body_text
    assert "code 4242" in confirmed_mail.body_text
    assert "s3cr3t" not in waiting_mail.body_text
    for public in (url, "/clara/evenements/", f"/clara/evenements/{event.id}.ics",
                   "/clara/evenements.ics"):
        response = client.get(public)
        assert "s3cr3t" not in response.get_data(as_text=True), public
    # Their own calendar file, in their private mail, says how to join.
    calendar = Calendar.from_ical(confirmed_mail.attachment_body)
    [item] = calendar.walk("VEVENT")
    assert str(item["location"]) == "https://visio.exemple.fr/s3cr3t"
    assert "01 23 45 67 89, code 4242" in str(item["description"])
    assert waiting_mail.attachment_name == ""
    [part] = confirmed_mail.to_email("test@patientlab.fr").iter_attachments()
    assert part.get_param("charset") == "utf-8"
    assert "s3cr3t" in web.get(link_in(confirmed_mail)).get_data(as_text=True)
    assert "s3cr3t" not in web.get(link_in(waiting_mail)).get_data(as_text=True)


def test_an_organiser_link_must_be_a_web_address(web, make_user):
    sophie = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event = make_event(sophie, format="online")
    db.session.commit()
    web.login("sophie@exemple.fr")
    page = web.submit(f"/clara/organisation/evenements/{event.id}/modifier",
                      {"title": "Soirée", "theme": "progres", "date": "2030-05-01",
                       "start_time": "18:30", "end_time": "20:30", "format": "online",
                       "capacity": "10", "join_url": "javascript:alert(1)"})
    text = page.get_data(as_text=True)
    assert "Saisissez une adresse web" in text
    assert 'value="javascript:alert(1)"' in text  # what was typed is kept


def test_the_organiser_writes_to_registrants_and_nothing_typed_is_lost(web, make_user):
    sophie = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event = make_event(sophie)
    db.session.add(Registration(event_id=event.id, name="Nadia", email="n@exemple.fr",
                                seats=1, status=S.CONFIRMED, link_key="k"))
    db.session.commit()
    web.login("sophie@exemple.fr")
    url = f"/clara/organisation/evenements/{event.id}/message"
    page = web.submit(url, {"audiences": "confirmed", "subject": "Changement de salle",
                            "body": ""}).get_data(as_text=True)
    assert fr("<title>Erreur :") in page
    assert "Écrivez le message." in page
    assert 'value="Changement de salle"' in page
    response = web.submit(url, {"audiences": "confirmed", "subject": "Changement de salle",
                                "body": "Salle B, 1er étage."}, follow=True)
    assert "Le message est envoyé à 1 personne." in response.get_data(as_text=True)
    assert "Salle B, 1er étage." in outbox("n@exemple.fr")[-1].body_text


def test_the_organiser_acts_on_one_registration(web, make_user):
    sophie = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event = make_event(sophie, capacity=4)
    db.session.add(Registration(event_id=event.id, name="Nadia", email="n@exemple.fr",
                                seats=1, status=S.CONFIRMED, link_key="k", locale="fr"))
    db.session.commit()
    registration = db.session.scalar(select(Registration))
    web.login("sophie@exemple.fr")
    base = f"/clara/organisation/evenements/{event.id}/inscriptions/{registration.id}"
    assert base in web.get(f"/clara/organisation/evenements/{event.id}").get_data(as_text=True)
    assert "Inscription de Nadia" in web.get(base).get_data(as_text=True)
    assert web.get(f"/clara/organisation/evenements/{event.id}/inscriptions/999999").status_code \
        == 404
    web.submit(f"{base}/lien", form_url=base, prefix="resend")
    assert "Le lien de votre inscription" in outbox("n@exemple.fr")[-1].subject
    response = web.submit(f"{base}/places", {"seats-seats": "2"}, form_url=base,
                          prefix="seats", follow=True)
    assert "Le nombre de places est changé" in response.get_data(as_text=True)
    page = web.submit(f"{base}/annuler", form_url=base, prefix="cancel")
    assert "Cochez la case pour confirmer" in page.get_data(as_text=True)
    response = web.submit(f"{base}/annuler", {"cancel-confirm": "y"}, form_url=base,
                          prefix="cancel", follow=True)
    assert "L’inscription est annulée" in response.get_data(as_text=True)
    db.session.refresh(registration)
    assert (registration.status, registration.seats) == (S.CANCELLED, 2)


def test_an_evening_is_prepared_as_a_draft_previewed_then_published(web, app, make_user):
    visitor = app.test_client()
    from patientlab.events.models import Event

    make_user(Role.ORGANISER, email="sophie@exemple.fr")
    web.login("sophie@exemple.fr")
    web.submit("/clara/organisation/evenements/nouvelle", {
        "title": "Soirée en préparation", "theme": "nutrition", "date": "2027-04-02",
        "start_time": "18:30", "end_time": "20:30", "format": "onsite", "capacity": "30",
        "venue_name": "Salle A", "address": "Lyon", "town": "Lyon", "postcode": "69004"})
    event = db.session.scalar(select(Event).where(Event.title == "Soirée en préparation"))
    assert event.published_at is None
    public = f"/clara/evenements/{event.id}"
    assert visitor.get(public).status_code == 404  # a visitor: no such page yet
    assert "Soirée en préparation" not in visitor.get("/clara/evenements/").get_data(as_text=True)
    assert "Soirée en préparation" not in visitor.get(
        "/clara/evenements.ics").get_data(as_text=True)
    preview = web.get(public).get_data(as_text=True)
    assert "Aperçu d’un brouillon" in preview
    assert "les inscriptions ouvriront quand elle sera publiée" in preview
    dashboard = f"/clara/organisation/evenements/{event.id}"
    web.submit(f"{dashboard}/publier", {"publish": "y"}, form_url=dashboard)
    assert visitor.get(public).status_code == 200
    db.session.add(Registration(event_id=event.id, name="Nadia", email="n@exemple.fr",
                                seats=1, status=S.CONFIRMED, link_key="k"))
    db.session.commit()
    response = web.submit(f"{dashboard}/brouillon", {"unpublish": "y"},
                          form_url=public, follow=True)
    assert "ne peut plus redevenir un brouillon" in response.get_data(as_text=True)
    assert visitor.get(public).status_code == 200


def test_someone_on_the_waiting_list_is_found_at_the_door(web, make_user):
    sophie = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event = make_event(sophie, capacity=1)
    db.session.add_all([
        Registration(event_id=event.id, name="Bernard Petit", email="b@exemple.fr", seats=1,
                     status=S.CONFIRMED, link_key="k"),
        Registration(event_id=event.id, name="Bernadette Roux", email="r@exemple.fr",
                     seats=2, status=S.WAITING, link_key="k")])
    db.session.commit()
    web.login("sophie@exemple.fr")
    page = web.get(
        f"/clara/organisation/evenements/{event.id}/accueil?q=bern").get_data(as_text=True)
    assert "Bernard Petit" in page
    assert "Sur la liste d’attente" in page
    assert "Bernadette Roux" in page
    assert "position 1" in page


def test_a_visitors_registration_form_is_the_same_for_every_visitor(app, monkeypatch):
    """Without the page cache, each visitor's form is made anew, without a CSRF token (a
    visitor's form is checked by its origin) nor a session cookie: the same page for all."""
    monkeypatch.setitem(app.config, "PAGE_CACHE", False)
    event = make_event()
    db.session.commit()
    pages = [app.test_client().get(f"/clara/evenements/{event.id}/inscription?places=1")
             for _ in range(2)]
    for page in pages:
        assert 'name="privacy_consent"' in page.get_data(as_text=True)
        assert 'name="csrf_token"' not in page.get_data(as_text=True)
        assert "Set-Cookie" not in page.headers
    assert pages[0].get_data() == pages[1].get_data()


def test_the_registration_form_comes_right_after_the_key_facts(web):
    """Date, place and places left, then the form; the long presentation after it."""
    event = make_event(description="<p>" + "Une longue présentation. " * 200 + "</p>",
                       programme="18 h 30 : accueil", speakers="Dre Martin")
    db.session.commit()
    page = web.get(f"/clara/evenements/{event.id}").get_data(as_text=True)
    order = [page.index(marker) for marker in (
        "<h1>", fr("places restantes"), 'id="inscription"', 'name="places"',
        'id="presentation"', 'id="intervenants"', 'id="programme"', 'id="accessibilite"')]
    assert order == sorted(order)


def test_what_organisers_wrote_is_marked_french_on_the_english_page(web):
    """Hyphenation and screen readers' voices follow `lang`: French text on an English
    page says it is French; on the French page nothing is repeated."""
    event = make_event(description="<p>Une présentation.</p>", programme="18 h 30 : accueil",
                       speakers="Dre Martin")
    db.session.commit()
    url = f"/clara/evenements/{event.id}"
    french = web.get(url).get_data(as_text=True)
    assert french.count(' lang="fr"') == 1  # <html lang="fr"> only
    web.get(f"/langue/en?suivant={url}")
    english = web.get(url).get_data(as_text=True)
    assert '<html lang="en"' in english
    for marked in (f'<h1 lang="fr">{event.title}</h1>',
                   '<dd lang="fr"><span class="venue">Maison des associations</span>',
                   '<div lang="fr"><p>Une présentation.</p>',
                   '<p class="multiline" lang="fr">Dre Martin</p>',
                   '<p class="multiline" lang="fr">18 h 30 : accueil</p>'):
        assert marked in english, marked


def test_one_address_cannot_be_mail_bombed_through_the_registration_form(app):
    """From many addresses or one, the same e-mail address typed again and again: a few
    tries, then 429; and its owner gets one « déjà inscrit » mail an hour at most."""
    from tests.conftest import FormClient, app_with, outbox

    with app_with(app, RATELIMIT_ENABLED=True, RATE_LIMIT_EVENT_REGISTER_PER_IP="50 per minute",
                  RATE_LIMIT_EVENT_REGISTER_PER_EMAIL="4 per minute") as limited, \
            limited.app_context():
        db.create_all()
        event = make_event()
        db.session.commit()
        url = f"/clara/evenements/{event.id}"

        def register(index, email="victime@exemple.fr"):
            client = limited.test_client()
            client.environ_base["REMOTE_ADDR"] = f"10.0.1.{index}"
            return FormClient(client).submit(
                f"{url}/inscription", {**FORM, "email": email}, form_url=url).status_code

        assert [register(i) for i in range(6)] == [302, 302, 302, 302, 429, 429]
        assert register(7, "Victime@Exemple.fr ") == 429  # the same address, written otherwise
        assert register(8, "autre@exemple.fr") == 302
        mails = outbox("victime@exemple.fr")
        assert len(mails) == 2  # the confirmation, then one « déjà inscrit »
        assert "déjà inscrit" in mails[1].subject
