"""Registering in real use: how many people first, the fields of that many only; an
online evening's own needs; a registrant changes their registration from their link; a
full evening says « liste d’attente » on its buttons; cancelling puts the safe choice
first."""

import re

from sqlalchemy import select

from patientlab.core.security import Role
from patientlab.core.typography import french_spacing as fr
from patientlab.events.models import Registration
from patientlab.events.models import RegistrationStatus as S
from patientlab.extensions import db
from tests.conftest import link_in, outbox
from tests.factories import make_event

FORM = {"name": "Nadia Benali", "email": "nadia@exemple.fr", "privacy_consent": "y"}


def _fields(page):
    return set(re.findall(r'<(?:input|select|textarea)[^>]* name="([^"]+)"', page))


def test_the_form_asks_how_many_people_first_then_shows_their_fields_only(web):
    event = make_event(capacity=5)
    db.session.commit()
    url = f"/clara/evenements/{event.id}"
    page = web.get(url).get_data(as_text=True)
    # The evening's page asks one question, without JavaScript (a GET form).
    assert fr("Combien de personnes viennent, en vous comptant ?") in page
    assert _fields(page) == {"places"}
    alone = web.get(f"{url}/inscription?places=1").get_data(as_text=True)
    assert not [name for name in _fields(alone) if name.startswith("companions-")]
    assert len(_fields(alone)) < 12
    two = web.get(f"{url}/inscription?places=2").get_data(as_text=True)
    assert {name for name in _fields(two) if name.startswith("companions-")} == {
        "companions-0-name", "companions-0-needs", "companions-0-needs_other"}
    assert "Pour 2 personnes." in two
    assert 'name="seats" value="2"' in two
    four = web.get(f"{url}/inscription?places=4").get_data(as_text=True)
    assert "companions-2-name" in _fields(four)
    # No number (or a wrong one): the question again, at its one address.
    again = web.client.get(f"{url}/inscription?places=9", follow_redirects=True)
    assert again.request.path == f"{url}/inscription"
    assert _fields(again.get_data(as_text=True)) == {"places"}


def test_a_mistake_keeps_the_people_typed_on_the_form(web):
    event = make_event(capacity=5)
    db.session.commit()
    url = f"/clara/evenements/{event.id}/inscription"
    page = web.submit(url, {**FORM, "privacy_consent": "", "seats": "2",
                            "companions-0-name": "Karim Benali"},
                      form_url=f"{url}?places=2").get_data(as_text=True)
    assert "Cochez la case pour accepter" in page
    assert 'value="Karim Benali"' in page
    assert 'name="seats" value="2"' in page
    assert "companions-1-name" not in page


def test_an_online_evening_offers_the_needs_that_make_sense_online(web):
    online = make_event(capacity=5, format="online", join_url="https://visio.exemple.fr/x",
                        dial_in="01 23 45 67 89")
    room = make_event(capacity=5)
    db.session.commit()
    page = web.get(f"/clara/evenements/{online.id}/inscription?places=2").get_data(as_text=True)
    offered = set(re.findall(r'name="needs" type="checkbox" value="([a-z_]+)"', page))
    assert offered == {"lsf", "captions", "dial_in", "large_print"}
    assert "Place près de l’estrade" not in page
    assert "Boucle magnétique" not in page
    assert "Suivre la soirée par téléphone, sans internet" in page
    page = web.get(f"/clara/evenements/{room.id}/inscription?places=1").get_data(as_text=True)
    offered = set(re.findall(r'name="needs" type="checkbox" value="([a-z_]+)"', page))
    assert {"step_free", "induction_loop", "front_seat"} <= offered
    assert "dial_in" not in offered
    # A room's need sent for the online evening is refused next to the field.
    page = web.submit(f"/clara/evenements/{online.id}/inscription",
                      {**FORM, "seats": "1", "needs": "front_seat", "needs_consent": "y"},
                      form_url=f"/clara/evenements/{online.id}/inscription?places=1"
                      ).get_data(as_text=True)
    assert db.session.scalar(select(Registration)) is None
    assert "field--error" in page


def test_a_registrant_changes_seats_companions_and_needs_from_their_link(web, make_user):
    sophie = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event = make_event(sophie, capacity=3)
    db.session.commit()
    url = f"/clara/evenements/{event.id}/inscription"
    web.submit(url, {**FORM, "seats": "3", "companions-0-name": "Karim Benali",
                     "companions-1-name": "Lina Benali"}, form_url=f"{url}?places=3")
    web.submit(url, {**FORM, "email": "julie@exemple.fr", "seats": "1"},
               form_url=f"{url}?places=1")
    link = link_in(outbox("nadia@exemple.fr")[0])
    page = web.get(link).get_data(as_text=True)
    assert "Changer mon inscription" in page
    page = web.get(f"{link}/modifier").get_data(as_text=True)
    assert re.search(r'id="places-3" name="places" value="3" checked', page)
    page = web.get(f"{link}/modifier?places=2").get_data(as_text=True)
    assert 'value="Karim Benali"' in page  # what the registration says today
    assert "Lina Benali" not in page
    response = web.submit(f"{link}/modifier", {
        "seats": "2", "companions-0-name": "Karim Benali", "needs": "step_free",
        "needs_consent": "y"}, form_url=f"{link}/modifier?places=2", follow=True)
    page = response.get_data(as_text=True)
    assert "Votre inscription est changée" in page
    assert "Les places que vous libérez vont à la liste d’attente." in page
    assert fr("Places confirmées : 2.") in page
    assert "Accès sans marche" in page
    nadia = db.session.scalar(select(Registration).where(
        Registration.email == "nadia@exemple.fr"))
    julie = db.session.scalar(select(Registration).where(
        Registration.email == "julie@exemple.fr"))
    db.session.refresh(nadia)
    db.session.refresh(julie)
    assert (nadia.seats, nadia.need_list, julie.status) == (2, ["step_free"], S.CONFIRMED)
    assert "Votre inscription est changée" in outbox("nadia@exemple.fr")[-1].subject
    assert "Une place s’est libérée" in outbox("julie@exemple.fr")[-1].subject
    # The organiser's lists show it.
    web.login("sophie@exemple.fr")
    dashboard = web.get(f"/clara/organisation/evenements/{event.id}").get_data(as_text=True)
    assert re.search(r"Nadia Benali</a></th><td>nadia@exemple.fr</td><td>2</td>", dashboard)


def test_registering_again_points_to_the_change(web):
    event = make_event()
    db.session.commit()
    url = f"/clara/evenements/{event.id}/inscription"
    web.submit(url, {**FORM, "seats": "1"}, form_url=f"{url}?places=1")
    web.submit(url, {**FORM, "seats": "2"}, form_url=f"{url}?places=2")
    again = outbox("nadia@exemple.fr")[-1]
    assert "Changer mon inscription" in again.body_text
    assert "rien n’a changé" not in again.body_text.replace("\u202f", " ")


def test_a_full_evening_says_waiting_list_on_its_buttons(web):
    event = make_event(capacity=1)
    db.session.commit()
    url = f"/clara/evenements/{event.id}"
    web.submit(f"{url}/inscription", {**FORM, "seats": "1"}, form_url=f"{url}/inscription")
    page = web.get(url).get_data(as_text=True)
    assert "S’inscrire sur la liste d’attente" in page
    page = web.get(f"{url}/inscription?places=1").get_data(as_text=True)
    assert re.search(r'<button type="submit"[^>]*>M’inscrire sur la liste d’attente</button>',
                     page)


def test_a_group_larger_than_the_seats_left_is_told_it_will_wait(web):
    event = make_event(capacity=2)
    db.session.commit()
    url = f"/clara/evenements/{event.id}"
    web.submit(f"{url}/inscription", {**FORM, "seats": "1"}, form_url=f"{url}/inscription")
    assert "S’inscrire sur la liste d’attente" not in web.get(url).get_data(as_text=True)
    page = web.get(f"{url}/inscription?places=2").get_data(as_text=True)
    assert fr("Il reste 1 place : pour votre groupe") in page
    assert "M’inscrire sur la liste d’attente</button>" in page


def test_cancelling_offers_the_safe_choice_first_and_apart(web):
    event = make_event()
    db.session.commit()
    url = f"/clara/evenements/{event.id}/inscription"
    web.submit(url, {**FORM, "seats": "1"}, form_url=url)
    link = link_in(outbox("nadia@exemple.fr")[0])
    page = web.get(f"{link}/annuler").get_data(as_text=True)
    keep = page.index("Non, garder mon inscription")
    cancel = page.index('class="button button--warning"')
    assert keep < cancel
    assert re.search(r'<a href="[^"]+" class="button">Non, garder mon inscription</a>', page)
    assert 'class="choice-apart"' in page[keep:cancel]


def test_people_added_who_wait_are_shown_to_the_registrant_and_the_organiser(web, make_user):
    sophie = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event = make_event(sophie, capacity=3)
    db.session.commit()
    url = f"/clara/evenements/{event.id}/inscription"
    web.submit(url, {**FORM, "seats": "2", "companions-0-name": "Karim Benali"},
               form_url=f"{url}?places=2")
    link = link_in(outbox("nadia@exemple.fr")[0])
    page = web.get(f"{link}/modifier?places=4").get_data(as_text=True)
    assert fr("Il reste 1 place libre : les personnes que vous ajoutez attendront") in page
    page = web.submit(f"{link}/modifier", {
        "seats": "4", "companions-0-name": "Karim Benali", "companions-1-name": "Lina Benali",
        "companions-2-name": "Malik Benali"}, form_url=f"{link}/modifier?places=4",
        follow=True).get_data(as_text=True)
    assert fr("Places confirmées : 2.") in page
    assert fr("Les 2 personnes que vous avez ajoutées attendent ensemble une place, en "
              "position 1") in page
    assert "Lina Benali, Malik Benali" in page
    web.login("sophie@exemple.fr")
    dashboard = web.get(f"/clara/organisation/evenements/{event.id}").get_data(as_text=True)
    assert "<td>2 (+ 2 en attente, position 1)</td>" in dashboard
    door = web.get(f"/clara/organisation/evenements/{event.id}/accueil").get_data(as_text=True)
    assert "Karim Benali" in door
    assert "Lina Benali" not in door  # not in the room yet


def test_the_registrants_own_calendar_file_says_how_to_join_once_confirmed(web, client):
    event = make_event(capacity=1, format="online", join_url="https://visio.exemple.fr/s3cr3t",
                       dial_in="01 23 45 67 89")
    db.session.commit()
    url = f"/clara/evenements/{event.id}/inscription"
    web.submit(url, {**FORM, "seats": "1"}, form_url=url)
    web.submit(url, {**FORM, "email": "karim@exemple.fr", "seats": "1"}, form_url=url)
    confirmed, waiting = (re.search(r"https?://[^/\s]+(/clara/inscriptions/\S+)", outbox(email)[0]
                                    .body_text).group(1)
                          for email in ("nadia@exemple.fr", "karim@exemple.fr"))
    assert f'href="{confirmed}/agenda.ics"' in web.get(confirmed).get_data(as_text=True)
    own = client.get(f"{confirmed}/agenda.ics")
    assert own.mimetype == "text/calendar"
    assert own.mimetype_params["charset"] == "utf-8"
    assert "https://visio.exemple.fr/s3cr3t" in own.get_data(as_text=True)
    assert "s3cr3t" not in client.get(f"{waiting}/agenda.ics").get_data(as_text=True)
    assert "s3cr3t" not in client.get(f"/clara/evenements/{event.id}.ics").get_data(as_text=True)
    assert client.get("/clara/inscriptions/pas-un-lien/agenda.ics").status_code == 400


def test_each_evenings_form_links_to_its_own_evening(web):
    # The empty form's fields are made once and kept: what they link to is that evening's.
    first = make_event(capacity=5)
    second = make_event(capacity=5)
    db.session.commit()
    for event in (first, second, first):
        page = web.get(f"/clara/evenements/{event.id}/inscription?places=2").get_data(as_text=True)
        links = set(re.findall(r'href="(/clara/evenements/\d+[^"]*)"', page))
        assert f"/clara/evenements/{event.id}/inscription" in links
        assert all(link.startswith(f"/clara/evenements/{event.id}") for link in links), links


def test_the_calendar_file_follows_the_registration_waiting_then_cancelled(web, client):
    event = make_event(capacity=1)
    db.session.commit()
    url = f"/clara/evenements/{event.id}/inscription"
    web.submit(url, {**FORM, "seats": "1"}, form_url=url)
    web.submit(url, {**FORM, "email": "karim@exemple.fr", "seats": "1"}, form_url=url)
    confirmed, waiting = (link_in(outbox(email)[0])
                          for email in ("nadia@exemple.fr", "karim@exemple.fr"))
    # Waiting, they hold no place: no evening offered for their agenda, and the file
    # their address gives is tentative and says « liste d'attente ».
    assert "agenda.ics" not in web.get(waiting).get_data(as_text=True)
    tentative = client.get(f"{waiting}/agenda.ics").get_data(as_text=True)
    assert "STATUS:TENTATIVE" in tentative
    assert "CONFIRMED" not in tentative
    assert "liste d" in tentative
    assert "attente" in tentative
    assert "STATUS:CONFIRMED" in client.get(f"{confirmed}/agenda.ics").get_data(as_text=True)
    # Cancelled after being confirmed: the file takes the evening out of the agenda.
    web.submit(f"{confirmed}/annuler", {"confirm": "y"}, form_url=f"{confirmed}/annuler")
    page = web.get(confirmed).get_data(as_text=True)
    assert "Retirer la soirée de mon agenda" in page
    dropped = client.get(f"{confirmed}/agenda.ics").get_data(as_text=True)
    assert "METHOD:CANCEL" in dropped
    assert "STATUS:CANCELLED" in dropped
    assert "CONFIRMED" not in dropped


def test_the_change_page_says_what_fewer_or_more_people_do_in_each_case(web):
    event = make_event(capacity=2)
    db.session.commit()
    url = f"/clara/evenements/{event.id}/inscription"
    web.submit(url, {**FORM, "seats": "1"}, form_url=url)
    confirmed = link_in(outbox("nadia@exemple.fr")[0])

    def change_page(link, places=""):
        return fr(web.get(f"{link}/modifier{places}").get_data(as_text=True))

    # Confirmed, nobody waits: the seats become free for others.
    page = change_page(confirmed)
    assert fr("les places libérées deviennent libres pour d’autres personnes") in page
    assert "vont tout de suite à la liste" not in page
    web.submit(url, {**FORM, "email": "karim@exemple.fr", "seats": "2"}, form_url=url)
    waiting = link_in(outbox("karim@exemple.fr")[0])
    # Confirmed, people wait: the freed seats go to them.
    assert fr("les places libérées vont tout de suite à la liste d’attente") in change_page(
        confirmed)
    # Waiting: fewer people may confirm at once; more go to the back of the list.
    page = change_page(waiting)
    assert fr("votre inscription peut être confirmée tout de suite s’il reste assez de places "
              "(il en reste 1)") in page
    assert "places libérées" not in page
    assert fr("votre groupe passe à la fin de la liste d’attente") in page
    assert fr("il passe à la fin de la liste d’attente") in change_page(waiting, "?places=3")
    assert fr("il passe à la fin de la liste d’attente") not in change_page(waiting, "?places=1")


def test_english_registration_pages_mark_the_evenings_french_and_speak_the_registrants_language(
        web, client):
    from tests import content_language

    event = make_event(capacity=1, title="Soirée immunothérapie", venue_name="Maison des quais",
                       online_info="Connectez-vous dix minutes avant")
    online = make_event(capacity=5, format="online", title="Soirée en ligne sur le sommeil",
                        online_info="Connectez-vous dix minutes avant")
    db.session.commit()
    french = {"title": "Soirée immunothérapie", "online title": "Soirée en ligne sur le",
              "venue": "Maison des quais", "online info": "Connectez-vous dix minutes"}
    url = f"/clara/evenements/{event.id}/inscription"
    web.submit(url, {**FORM, "seats": "1"}, form_url=url)
    link = link_in(outbox("nadia@exemple.fr")[0])
    client.set_cookie("lang", "en")
    pages = [f"/clara/evenements/{online.id}",
             f"/clara/evenements/{event.id}/inscription?places=2", link,
             f"{link}/modifier", f"{link}/modifier?places=1"]
    for page in pages:
        html = client.get(page).get_data(as_text=True)
        assert 'lang="en"' in html, page
        assert content_language.problems_of(html, french) == [], page
    # Registered in English, opened without any language chosen: in English.
    url = f"/clara/evenements/{online.id}/inscription"
    web.client.set_cookie("lang", "en")
    web.submit(url, {**FORM, "email": "karim@exemple.fr", "seats": "1"}, form_url=url)
    link = link_in(outbox("karim@exemple.fr")[0])
    web.client.delete_cookie("lang")
    page = web.get(link).get_data(as_text=True)
    assert '<html lang="en"' in page


def test_an_online_evening_speaks_of_no_room(web):
    event = make_event(capacity=5, format="online", step_free=True, hearing_loop=True,
                       quiet_room=True, live_captions=True)
    db.session.commit()
    page = web.get(f"/clara/evenements/{event.id}").get_data(as_text=True)
    assert "Accès sans marche" not in page
    assert "Boucle magnétique" not in page
    assert "Salle calme" not in page
    assert "Sous-titrage en direct" in page
    form = web.get(f"/clara/evenements/{event.id}/inscription?places=2").get_data(as_text=True)
    assert fr("Son nom aide l’équipe à savoir qui suit la soirée.") in form
    assert "entrée" not in form


def test_the_registrants_words_offer_the_change_and_count_what_was_freed(web):
    event = make_event(capacity=2)
    db.session.commit()
    url = f"/clara/evenements/{event.id}/inscription"
    sent = web.submit(url, {**FORM, "seats": "2"}, form_url=url, follow=True)
    assert fr("voir, modifier ou annuler votre inscription") in sent.get_data(as_text=True)
    mail = outbox("nadia@exemple.fr")[0]
    assert fr("Voir, modifier ou annuler votre inscription :") in mail.body_text
    link = link_in(mail)
    # No place left: said in words, not « Il reste 0 place libre ».
    page = web.get(f"{link}/modifier?places=3").get_data(as_text=True)
    assert fr("Il ne reste plus de place :") in page
    assert "Il reste 0" not in page
    web.client.set_cookie("lang", "en")
    web.submit(url, {**FORM, "email": "karim@exemple.fr", "seats": "2"}, form_url=url)
    english = outbox("karim@exemple.fr")[0].body_text
    assert "seat" not in english.lower()
    web.client.delete_cookie("lang")
    # Two places freed: « Vos places vont… ».
    done = web.submit(f"{link}/annuler", {}, form_url=f"{link}/annuler", follow=True)
    assert fr("Vos places vont aux personnes de la liste d’attente.") in done.get_data(
        as_text=True)


def test_a_tampered_companion_need_is_refused_in_french(web):
    event = make_event(capacity=5)
    db.session.commit()
    url = f"/clara/evenements/{event.id}/inscription"
    page = web.submit(url, {**FORM, "seats": "2", "companions-0-name": "Karim",
                            "companions-0-needs": "bogus"}, form_url=f"{url}?places=2")
    html = page.get_data(as_text=True)
    assert page.status_code in (200, 422)
    assert "not a valid choice" not in html
    assert "choix" in html.lower()


def test_only_four_addresses_ask_how_many_people(web):
    event = make_event(capacity=5)
    db.session.commit()
    url = f"/clara/evenements/{event.id}/inscription"
    for value in ("1", "2", "3", "4"):
        assert web.get(f"{url}?places={value}").status_code == 200
    for value, target in (("0", url), ("5", url), ("-1", url), ("999", url), ("abc", url),
                          ("+2", f"{url}?places=2"), ("02", f"{url}?places=2"), ("", url)):
        response = web.get(f"{url}?places={value}")
        assert response.status_code == 302, value
        assert response.headers["Location"] == target, value


def test_a_full_evening_does_not_promise_the_places_left(web):
    event = make_event(capacity=1)
    db.session.commit()
    url = f"/clara/evenements/{event.id}/inscription"
    web.submit(url, {**FORM, "seats": "1"}, form_url=url)
    page = web.get(f"{url}?places=1").get_data(as_text=True)
    assert fr("Un groupe n’est jamais séparé.") in page
    assert "nombre de places restantes" not in page
