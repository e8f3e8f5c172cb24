"""Notifications people control: the settings page, the one-click unsubscribe (RFC 8058),
the daily and weekly summaries on fixed data, and the subjects one follows."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from patientlab.auth.digests import send_digests
from patientlab.core import notifications as n
from patientlab.core.days import PARIS
from patientlab.core.mail import OutboxMessage, notify
from patientlab.core.models import utcnow
from patientlab.core.typography import french_spacing as fr
from patientlab.events.services.organiser import publish_event
from patientlab.extensions import db
from patientlab.projects import services as projects
from patientlab.projects.models import Answer, Question
from tests.conftest import outbox
from tests.factories import UserFactory, make_event, make_project


def next_local(hour: int, *, weekday: int | None = None) -> datetime:
    """The next day (or the next given weekday) at ``hour`` in Paris, as UTC."""
    day = utcnow().astimezone(PARIS) + timedelta(days=1)
    while weekday is not None and day.weekday() != weekday:
        day += timedelta(days=1)
    return day.replace(hour=hour, minute=30, second=0, microsecond=0)


def held_answer(user, title="Bouger pendant la chimiothérapie"):
    """A published answer to ``user``'s question on project ``title``, its mail queued
    as they chose."""
    project = make_project(title=title)
    question = Question(project_id=project.id, author_id=user.id, body="Combien de temps ?",
                        moderation_state="published")
    db.session.add(question)
    db.session.flush()
    answer = Answer(question_id=question.id, author_id=project.owner_id, body="Une heure.",
                    moderation_state="published")
    db.session.add(answer)
    db.session.flush()
    projects.tell_asker(answer)
    return answer


def test_a_message_sent_now_carries_the_one_click_unsubscribe_headers(app):
    lea = UserFactory(email="lea@exemple.fr")
    held_answer(lea)
    message = outbox("lea@exemple.fr")[-1]
    email = message.to_email("plateforme@patientlab.fr")
    url = email["List-Unsubscribe"].strip("<>")
    assert url.startswith(app.config["PUBLIC_URL"])  # https in production
    assert urlsplit(url).path.startswith("/compte/notifications/desabonnement/")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/compte/notifications" in message.body_text  # the settings page


def test_transactional_mail_has_no_unsubscribe_and_always_goes(app):
    lea = UserFactory(email="lea@exemple.fr")
    for kind in ("answers", "news"):
        n.set_frequency(lea, kind, n.NEVER)
    from patientlab.auth import services as auth

    auth.request_password_reset("lea@exemple.fr")
    message = outbox("lea@exemple.fr")[-1]
    assert "List-Unsubscribe" not in message.to_email("x@patientlab.fr")


def test_never_writes_nothing_and_a_summary_holds_the_message(app):
    lea = UserFactory(email="lea@exemple.fr")
    n.set_frequency(lea, "answers", n.NEVER)
    held_answer(lea)
    assert outbox("lea@exemple.fr") == []
    n.set_frequency(lea, "answers", n.DAILY)
    held_answer(lea)
    (message,) = outbox("lea@exemple.fr")
    assert message.digest == n.DAILY
    assert message.sent_at is None
    assert message.unsubscribe_url == ""


def test_the_one_click_post_works_without_login_or_token_and_turns_only_that_kind_off(client):
    lea = UserFactory(email="lea@exemple.fr")
    n.set_frequency(lea, "news", n.DAILY)
    held_answer(lea)
    db.session.commit()
    url = urlsplit(outbox("lea@exemple.fr")[-1].unsubscribe_url).path

    page = client.get(url)  # a link checker opening it changes nothing
    assert page.status_code == 200
    assert n.frequency_of(lea, "answers") == n.IMMEDIATELY

    response = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    assert n.frequency_of(lea, "answers") == n.NEVER
    assert n.frequency_of(lea, "news") == n.DAILY  # untouched


def test_an_unsubscribe_token_is_signed_single_purpose_and_names_its_person(client, app):
    from patientlab.core.security import make_token

    lea, paul = UserFactory(), UserFactory()
    db.session.commit()
    with app.test_request_context():
        token = n.unsubscribe_token(lea, ["answers"])
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    assert client.post(f"/compte/notifications/desabonnement/{forged}").status_code == 400
    other_purpose = make_token("password-reset", {"u": paul.id, "k": ["answers"]})
    assert client.post(
        f"/compte/notifications/desabonnement/{other_purpose}").status_code == 400
    assert client.post(f"/compte/notifications/desabonnement/{token}").status_code == 200
    db.session.expire_all()
    assert n.frequency_of(lea, "answers") == n.NEVER
    assert n.frequency_of(paul, "answers") == n.IMMEDIATELY


def test_the_daily_summary_gathers_the_held_messages_once_in_the_persons_language(app):
    lea = UserFactory(email="lea@exemple.fr", name="Léa Martin")
    john = UserFactory(email="john@example.org", name="John Smith", locale="en")
    for person in (lea, john):
        n.set_frequency(person, "answers", n.DAILY)
        held_answer(person, "Dormir mieux après un cancer")
        held_answer(person, "Deux séances par semaine")

    assert send_digests(next_local(7)) == 0  # before 8:00 in Paris
    morning = next_local(8)
    assert send_digests(morning) == 2
    assert send_digests(morning + timedelta(hours=3)) == 0  # once a day

    (digest,) = [m for m in outbox("lea@exemple.fr") if m.kind == "" and m.digest == ""]
    assert digest.subject == "Votre résumé du jour sur PatientLab"
    assert fr("depuis hier : 2 messages.") in digest.body_text
    assert "Dormir mieux après un cancer" in digest.body_text
    assert "Deux séances par semaine" in digest.body_text
    assert digest.body_text.count("Bonjour Léa Martin") == 1
    assert digest.to_email("x@patientlab.fr")["List-Unsubscribe-Post"]
    held = [m for m in outbox("lea@exemple.fr") if m.digest == n.DAILY]
    assert all(m.sent_at == morning and m.digest_id == digest.id for m in held)

    (english,) = [m for m in outbox("john@example.org") if m.kind == "" and m.digest == ""]
    assert english.subject == "Your daily summary on PatientLab"
    assert "since yesterday: 2 messages." in english.body_text


def test_the_weekly_summary_goes_on_monday_only(app):
    lea = UserFactory(email="lea@exemple.fr")
    n.set_frequency(lea, "answers", n.WEEKLY)
    held_answer(lea)
    assert send_digests(next_local(9, weekday=2)) == 0  # a Wednesday
    monday = next_local(9, weekday=0)
    assert send_digests(monday) == 1
    assert send_digests(monday + timedelta(days=1)) == 0
    digest = outbox("lea@exemple.fr")[-1]
    assert digest.subject == "Votre résumé de la semaine sur PatientLab"


def test_a_summary_never_speaks_of_what_the_person_may_no_longer_see(app):
    lea = UserFactory(email="lea@exemple.fr")
    n.set_frequency(lea, "answers", n.DAILY)
    hidden = held_answer(lea, "Projet dont la réponse est retirée")
    held_answer(lea, "Projet dont la réponse reste publique")
    hidden.moderation_state = "hidden"
    db.session.flush()
    assert send_digests(next_local(8)) == 1
    digest = outbox("lea@exemple.fr")[-1]
    assert "reste publique" in digest.body_text
    assert "retirée" not in digest.body_text
    assert fr("depuis hier : 1 message.") in digest.body_text


def test_followers_of_a_theme_hear_of_a_new_evening_and_others_do_not(app):
    follower = UserFactory(email="suit@exemple.fr")
    UserFactory(email="autre@exemple.fr")
    n.save_settings(follower, {}, {"event_theme": ["entourage"]})
    n.set_frequency(follower, "evenings_new", n.IMMEDIATELY)
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser, theme="entourage", published=False)
    publish_event(organiser, event)
    (message,) = outbox("suit@exemple.fr")
    assert message.kind == "evenings_new"
    assert event.title in message.body_text
    assert outbox("autre@exemple.fr") == []
    assert outbox(organiser.email) == []


def test_followers_of_a_cancer_type_hear_of_a_new_project_in_their_summary(app):
    association = UserFactory(email="asso@exemple.fr", roles=["association_rep"])
    n.save_settings(association, {}, {"cancer_type": ["sein", "inconnu"]})
    assert n.follows_of(association)["cancer_type"] == ["sein"]  # unknown values dropped
    project = make_project(published=False, cancer_types=["sein"])
    projects.submit_for_publication(project.owner, project)
    projects.publish(UserFactory(roles=["coordinator"]), project)
    (message,) = outbox("asso@exemple.fr")
    assert message.digest == n.WEEKLY  # the default for news of followed subjects


def test_the_settings_page_saves_frequencies_and_follows_and_says_what_always_goes(web):
    lea = UserFactory(email="lea@exemple.fr", roles=["patient_expert"])
    db.session.commit()
    web.login("lea@exemple.fr")
    page = web.get("/compte/notifications").get_data(as_text=True)
    assert fr("Relectures : nouvelles candidatures à relire") in page
    assert "Travail de la coordination" not in page  # not for her role
    assert "Ce que vous recevez toujours" in page
    response = web.submit("/compte/notifications", {
        **{f"kind_{k.key}": n.IMMEDIATELY for k in n.kinds(lea)},
        "kind_reviews": n.DAILY, "follow_event_theme": ["nutrition", "entourage"]})
    assert response.status_code == 302
    assert n.settings_of(lea)["reviews"] == n.DAILY
    assert sorted(n.follows_of(lea)["event_theme"]) == ["entourage", "nutrition"]


def test_the_settings_page_shows_an_error_next_to_a_missing_choice(web):
    UserFactory(email="lea@exemple.fr")
    db.session.commit()
    web.login("lea@exemple.fr")
    page = web.submit("/compte/notifications", {"kind_answers": "souvent"}).get_data(
        as_text=True)
    assert "Il y a un problème" in page


def test_platform_news_reaches_everyone_as_they_chose(app):
    from patientlab.admin.services import send_news

    admin = UserFactory(roles=["admin"])
    now_person = UserFactory(email="tout-de-suite@exemple.fr")
    never = UserFactory(email="jamais@exemple.fr")
    n.set_frequency(now_person, "news", n.IMMEDIATELY)
    n.set_frequency(never, "news", n.NEVER)
    told = send_news(admin, "Les soirées reprennent", "Rendez-vous en janvier.")
    assert told == len(list(db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.kind == "news"))))
    assert outbox("jamais@exemple.fr") == []
    assert outbox("tout-de-suite@exemple.fr")[0].unsubscribe_url
    assert "Rendez-vous en janvier." in outbox("tout-de-suite@exemple.fr")[0].body_text


def test_notify_without_a_kind_is_unchanged(app):
    lea = UserFactory(email="lea@exemple.fr")
    message = notify(lea, "Sujet", "platform_news", text="Bonjour")
    assert message.kind == ""
    assert message.user_id is None


def test_the_settings_page_lists_the_projects_one_follows_and_unticking_stops_one(web):
    """Projects followed from their page are listed by title, ticked; a box unticked
    and saved stops that follow only (the subjects and the other project stay); a
    project no longer published is not listed and its follow is left alone."""
    martine = UserFactory(email="martine@exemple.fr")
    sleep_project = make_project(title="Mieux dormir après un cancer")
    walk = make_project(title="Bouger contre la fatigue")
    hidden = make_project(title="Projet retiré")
    for project in (sleep_project, walk, hidden):
        n.follow(martine, "project", project.id)
    n.follow(martine, "cancer_type", "sein")
    hidden.publication = "draft"
    db.session.commit()
    web.login("martine@exemple.fr")
    page = web.get("/compte/notifications").get_data(as_text=True)
    assert "Les projets que je suis" in page
    assert page.index("Bouger contre la fatigue") < page.index("Mieux dormir après un cancer")
    assert "Projet retiré" not in page
    assert page.count('name="followed_project"') == 2
    ticked = re.findall(r"<input[^>]*name=\"followed_project\"[^>]*>", page)
    assert len(ticked) == 2
    assert all("checked" in box for box in ticked)
    settings = {k.key: k.default for k in n.kinds(martine)}
    response = web.submit("/compte/notifications", {
        **{f"kind_{key}": value for key, value in settings.items()},
        "follow_cancer_type": ["sein"], "followed_project": [str(walk.id)]})
    assert response.status_code == 302
    assert n.follows_of(martine)["project"] == sorted([str(walk.id), str(hidden.id)])
    assert n.follows_of(martine)["cancer_type"] == ["sein"]
