"""Demo « Parle-Moi » evenings: past and upcoming, one full with a waiting list."""

import secrets
from datetime import datetime, time, timedelta

from sqlalchemy import select

from patientlab.core.models import utcnow
from patientlab.events.models import Event, EventFormat, Registration
from patientlab.events.models import RegistrationStatus as S
from patientlab.events.services import PARIS
from patientlab.extensions import db

FIRST_NAMES = ["Camille", "Louis", "Nadia", "Hugo", "Chantal", "Bernard", "Inès", "Yann",
               "Fatou", "Gérard", "Élise", "Thomas", "Aïcha", "Marc", "Julie", "Pierre",
               "Sylvie", "Karim", "Odile", "Mathis", "Lina", "Jean", "Rose", "Alain"]

EVENTS = [
    # title, theme, days from today, format, capacity, confirmed seats wanted, waiting
    ("Quand un parent a un cancer : parler aux enfants", "entourage", 12, EventFormat.ONSITE,
     60, 18, 0),
    ("Bien manger et bouger pendant et après les traitements", "nutrition", 20,
     EventFormat.ONSITE, 20, 20, 3),
    ("Immunothérapie : ce que la recherche a changé", "progres", 34, EventFormat.ONLINE, 300,
     42, 0),
    ("Aidants : prendre soin de soi aussi", "entourage", -40, EventFormat.ONSITE, 50, 31, 0),
    ("Activité physique adaptée : les preuves", "nutrition", -120, EventFormat.ONSITE, 40, 25,
     0),
]


def _local(days: int, hour: int, minute: int = 0) -> datetime:
    day = (datetime.now(PARIS) + timedelta(days=days)).date()
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def seed_events(organiser) -> int:
    created = 0
    for title, theme, days, fmt, capacity, wanted, waiting in EVENTS:
        if db.session.scalar(select(Event).where(Event.title == title)) is not None:
            continue
        starts = _local(days, 18, 30)
        event = Event(
            organiser_id=organiser.id, title=title, theme=theme, format=fmt,
            description="<p>Une soirée d’échanges ouverte à toutes et tous, patients, proches "
                        "et curieux. Des chercheuses et chercheurs présentent leurs résultats "
                        "avec des mots simples, puis répondent à vos questions.</p>",
            speakers="Dr Claire Morel, épidémiologiste\nMartine Dubois, patiente experte",
            programme="18:30 Accueil\n18:45 Présentation de la recherche\n19:30 Questions "
                      "et échanges\n20:30 Fin",
            starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=capacity,
            venue_name="" if fmt == EventFormat.ONLINE else "Maison des associations",
            address="" if fmt == EventFormat.ONLINE else "28 rue Denfert-Rochereau, 69004 Lyon",
            online_info="Le lien pour rejoindre la soirée est sur votre page d’inscription, "
                        "dans la confirmation et dans le rappel. Sous-titrage en direct."
                        if fmt == EventFormat.ONLINE else "",
            join_url=f"https://visio.exemple.fr/parle-moi-{days}"
            if fmt == EventFormat.ONLINE else "",
            dial_in="01 86 95 00 00, code 4521" if fmt == EventFormat.ONLINE else "",
            step_free=True, hearing_loop=fmt == EventFormat.ONSITE, sign_language=days % 2 == 0,
            live_captions=True, quiet_room=fmt == EventFormat.ONSITE,
            transport="Métro C, station Croix-Rousse (ascenseur). Bus C13, arrêt accessible."
            if fmt == EventFormat.ONSITE else "", lock_version=0,
            published_at=utcnow() - timedelta(days=30))
        db.session.add(event)
        db.session.flush()
        _fill(event, wanted, waiting, past=days < 0)
        created += 1
    db.session.flush()
    return created


def _fill(event: Event, wanted: int, waiting: int, past: bool) -> None:
    now = utcnow()
    seats_taken, index = 0, 0
    while seats_taken < wanted:
        seats = min(2 if index % 3 == 0 else 1, wanted - seats_taken)
        _add(event, index, seats, S.CONFIRMED, now, checked_in=past and index % 5 != 0)
        seats_taken += seats
        index += 1
    for _ in range(waiting):
        _add(event, index, 2, S.WAITING, now, checked_in=False)
        index += 1


def _add(event, index, seats, status, now, checked_in):
    name = FIRST_NAMES[index % len(FIRST_NAMES)]
    needs = "step_free" if index % 7 == 3 else ("induction_loop" if index % 11 == 5 else "")
    db.session.add(Registration(
        event_id=event.id, name=f"{name} {chr(65 + index % 26)}.",
        email=f"{name.lower()}.{event.id}.{index}@exemple.fr".replace("ï", "i")
        .replace("è", "e").replace("é", "e").replace("É", "e"),
        seats=seats, status=status, needs=needs, needs_consent_at=now if needs else None,
        privacy_consent_at=now, created_at=now - timedelta(minutes=500 - index),
        confirmed_at=now if status == S.CONFIRMED else None,
        checked_in_at=event.starts_at if checked_in else None,
        link_key=secrets.token_hex(8)))
