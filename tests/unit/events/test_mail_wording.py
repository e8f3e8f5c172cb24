"""Every mail of the evenings, in each of its branches, in French and English: one
sentence never runs into the next (« …dans votre agenda.Si ce n’est pas vous… »), which
happens when a Jinja tag at the end of a line eats its newline (trim_blocks)."""

import itertools
import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from flask import render_template
from flask_babel import force_locale

MAILS = ["registration_already", "registration_cancelled", "registration_changed",
         "registration_confirmed", "registration_grown", "registration_link",
         "registration_moved", "registration_promoted", "registration_reminder",
         "registration_updated", "registration_waiting", "event_cancelled", "event_changed",
         "event_message", "event_new", "event_replay", "event_results", "event_satisfaction"]
RUN_TOGETHER = re.compile(r"[.!?:»][A-ZÀ-Ý]")


def _event(fmt, extras):
    return SimpleNamespace(
        id=7, title="Immunothérapie", format=fmt, venue_name="Maison des associations",
        address="3 rue Lamartine, Lyon", starts_at=datetime(2027, 3, 4, 18, tzinfo=UTC),
        ends_at=datetime(2027, 3, 4, 20, tzinfo=UTC), is_cancelled=False,
        access_features=["Accès sans marche"] if extras else [],
        transport="Métro A" if extras else "", join_url="https://visio.exemple.fr/x" if extras
        else "", dial_in="01 23 45 67 89" if extras else "", replay_url="https://r.fr/x")


def _registration(status, seats, extra, companions, needs, confirmed):
    people = [SimpleNamespace(display_name=f"Personne {n}") for n in range(seats)]
    return SimpleNamespace(
        name="Nadia Benali", status=status, seats=seats, extra_seats=extra,
        people=people if companions else people[:1],
        waiting_companions=people[1:extra + 1] if extra else [],
        group_need_labels=["Boucle magnétique"] if needs else [],
        confirmed_at=datetime(2027, 1, 1, tzinfo=UTC) if confirmed else None)


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("mail", MAILS)
def test_no_sentence_runs_into_the_next(mail, locale):
    for status, seats, extra, fmt, extras, position, confirmed, added, left in itertools.product(
            ("confirmed", "waiting", "cancelled"), (1, 2), (0, 1, 2), ("onsite", "online"),
            (False, True), (0, 3), (False, True), (1, 2), (0, 1)):
        if extra >= seats and extra:
            continue
        event = _event(fmt, extras)
        with force_locale(locale):
            text = render_template(
                f"mail/{mail}.txt", event=event, old_event=event, user=SimpleNamespace(
                    name="Nadia"),
                registration=_registration(status, seats, extra, True, extras, confirmed),
                position=position, added=added, left=left, url="https://p.fr/i/x",
                event_url="https://p.fr/e/7", survey_url="https://p.fr/a/x", theme="Sein",
                reason="La salle est fermée.", message="Apportez vos questions.",
                project=SimpleNamespace(title="Étude", results_url="https://p.fr/p/1"))
        found = RUN_TOGETHER.search(text)
        assert found is None, (mail, status, seats, extra, fmt, extras, position, confirmed,
                               text[max(found.start() - 60, 0):found.end() + 30])
