"""Demo « Parle-Moi » evenings: past and upcoming, one full with a moving waiting list
(and someone registered by phone without e-mail), an online one with its private link,
groups with their companions, and a past evening held, with its attendance (walk-ins
included) and the anonymous satisfaction answers."""

import secrets
from datetime import datetime, time, timedelta

from sqlalchemy import select

from patientlab.core.days import PARIS
from patientlab.core.models import utcnow
from patientlab.core.sanitize import rich_text
from patientlab.events.models import (
    Companion,
    Event,
    EventFormat,
    Registration,
    SatisfactionAnswer,
    SatisfactionReceipt,
)
from patientlab.events.models import RegistrationSource as Source
from patientlab.events.models import RegistrationStatus as S
from patientlab.extensions import db

FIRST_NAMES = ["Camille", "Louis", "Nadia", "Hugo", "Chantal", "Bernard", "Inès", "Yann",
               "Fatou", "Gérard", "Élise", "Thomas", "Aïcha", "Marc", "Julie", "Pierre",
               "Sylvie", "Karim", "Odile", "Mathis", "Lina", "Jean", "Rose", "Alain"]

EVENTS = [
    # title, theme, days from today, format, capacity, confirmed seats wanted, waiting, place
    ("Quand un parent a un cancer : parler aux enfants", "entourage", 12, EventFormat.ONSITE,
     60, 18, 0, "lyon"),
    ("Bien manger et bouger pendant et après les traitements", "nutrition", 20,
     EventFormat.ONSITE, 20, 20, 3, "nantes"),
    ("Immunothérapie : ce que la recherche a changé", "progres", 34, EventFormat.ONLINE, 300,
     42, 0, ""),
    ("Aidants : prendre soin de soi aussi", "entourage", -40, EventFormat.ONSITE, 50, 31, 0,
     "lyon"),
    ("Mieux dormir après un cancer : ce que la recherche a trouvé", "progres", -25,
     EventFormat.ONSITE, 40, 22, 0, "lille"),
    ("Activité physique adaptée : les preuves", "nutrition", -120, EventFormat.ONSITE, 40, 25,
     0, "villeurbanne"),
]

# The Cancéropôle PACA's evenings (same columns as EVENTS).
PACA_EVENTS = [
    ("Reprendre le travail après un cancer", "vivre", 8, EventFormat.ONSITE, 80, 26,
     0, "marseille"),
    ("Cancers des enfants : où en est la recherche ?", "progres", 26, EventFormat.ONSITE, 60,
     14, 0, "nice"),
]

# Real places: venue, address, postcode, town, department, transport.
PLACES = {
    "marseille": ("Cité des associations", "93 La Canebière", "13001", "Marseille", "13",
                  "Métro 1, station Noailles (ascenseur). Tramway T2, arrêt Canebière."),
    "nice": ("Maison des associations Garibaldi", "12 ter place Garibaldi", "06300", "Nice",
             "06", "Tramway 1, arrêt Garibaldi (accessible)."),
    "lyon": ("Maison des associations", "28 rue Denfert-Rochereau", "69004", "Lyon", "69",
             "Métro C, station Croix-Rousse (ascenseur). Bus C13, arrêt accessible."),
    "villeurbanne": ("Maison du citoyen", "7 rue Jean Moulin", "69100", "Villeurbanne", "69",
                     "Métro A, station Gratte-Ciel (ascenseur)."),
    "nantes": ("Maison des associations", "4 place Talensac", "44000", "Nantes", "44",
               "Tramway 2, arrêt 50 Otages (accessible)."),
    "lille": ("Maison de la Vie associative", "72 rue Royale", "59000", "Lille", "59",
              "Métro 1, station Rihour (ascenseur). Bus Citadine, arrêt accessible."),
}


def _local(days: int, hour: int, minute: int = 0) -> datetime:
    day = (datetime.now(PARIS) + timedelta(days=days)).date()
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def seed_paca_events(organiser, network) -> int:
    return seed_events(organiser, network, PACA_EVENTS)


def seed_events(organiser, network, evenings=EVENTS) -> int:
    created = 0
    for title, theme, days, fmt, capacity, wanted, waiting, place in evenings:
        if db.session.scalar(select(Event).where(Event.title == title)) is not None:
            continue
        starts = _local(days, 18, 30)
        venue, street, postcode, town, department, transport = PLACES.get(
            place, ("", "", "", "", "", ""))
        event = Event(
            network_id=network.id, organiser_id=organiser.id, title=title, theme=theme, format=fmt,
            description=rich_text("Une soirée d’échanges ouverte à toutes et tous, patients, "
                                  "proches et curieux. Des chercheuses et chercheurs "
                                  "présentent leurs résultats avec des mots simples, puis "
                                  "répondent à vos questions."),
            speakers="Dr Claire Morel, épidémiologiste\nMartine Dubois, patiente experte",
            programme="18:30 Accueil\n18:45 Présentation de la recherche\n19:30 Questions "
                      "et échanges\n20:30 Fin",
            starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=capacity,
            venue_name=venue, address=f"{street}, {postcode} {town}" if street else "",
            town=town, postcode=postcode, department=department,
            online_info="Le lien pour rejoindre la soirée est sur votre page d’inscription, "
                        "dans la confirmation et dans le rappel. Sous-titrage en direct."
                        if fmt == EventFormat.ONLINE else "",
            join_url=f"https://visio.exemple.fr/parle-moi-{days}"
            if fmt == EventFormat.ONLINE else "",
            dial_in="01 86 95 00 00, code 4521" if fmt == EventFormat.ONLINE else "",
            step_free=fmt == EventFormat.ONSITE, hearing_loop=fmt == EventFormat.ONSITE,
            sign_language=days % 2 == 0,
            live_captions=True, quiet_room=fmt == EventFormat.ONSITE,
            transport=transport, lock_version=0,
            published_at=utcnow() - timedelta(days=30))
        db.session.add(event)
        db.session.flush()
        _fill(event, wanted, waiting, past=days < 0)
        if days == -40:
            _held(event)
        if waiting:
            _by_phone(event)
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


COMPANIONS = ["Karim", "Lina", "Rose"]


def _add(event, index, seats, status, now, checked_in):
    name = FIRST_NAMES[index % len(FIRST_NAMES)]
    # What people ask for that makes sense for the evening: a room's needs in a room only.
    room = event.format != EventFormat.ONLINE
    needs = ("step_free" if room else "captions") if index % 7 == 3 else (
        ("induction_loop" if room else "large_print") if index % 11 == 5 else "")
    registration = Registration(
        event_id=event.id, name=f"{name} {chr(65 + index % 26)}.",
        email=f"{name.lower()}.{event.id}.{index}@exemple.fr".replace("ï", "i")
        .replace("è", "e").replace("é", "e").replace("É", "e"),
        seats=seats, status=status, needs=needs, needs_consent_at=now if needs else None,
        privacy_consent_at=now, created_at=now - timedelta(minutes=500 - index),
        confirmed_at=now if status == S.CONFIRMED else None,
        checked_in_at=event.starts_at if checked_in else None,
        present=seats if checked_in else 0, link_key=secrets.token_hex(8))
    for position in range(1, seats):
        # Some groups name who comes with them; one companion has a need of their own.
        registration.companions.append(Companion(
            position=position, name=f"{COMPANIONS[(index + position) % 3]} "
                                    f"{chr(65 + index % 26)}." if index % 2 == 0 else "",
            needs="", needs_other="Vient avec son chien guide" if index == 3 and room else "",
            checked_in_at=event.starts_at if checked_in else None))
    db.session.add(registration)
    return registration


def _by_phone(event):
    """Jeanne called: no e-mail, a phone number, and a note for the door."""
    now = utcnow()
    db.session.add(Registration(
        event_id=event.id, name="Jeanne Martin", email=None, phone="04 78 00 00 01",
        source=Source.PHONE, seats=1, status=S.WAITING, needs="front_seat",
        needs_consent_at=now, privacy_consent_at=now, created_at=now, confirmed_at=None,
        note="Préfère être appelée le matin.", link_key=secrets.token_hex(8)))


# A spread of day-after answers: mostly pleased, a few reservations, in their own words.
SATISFACTION = [(5, "Très clair, et enfin des réponses à nos questions d’aidants."),
                (5, ""), (5, "Merci aux intervenantes, on se sent moins seuls."), (4, ""),
                (4, "Bien, mais la salle était un peu froide."), (4, ""), (4, ""),
                (3, "Un peu court pour les questions."), (3, ""),
                (2, "J’aurais aimé plus de conseils pratiques."), (5, ""), (4, "")]


def _held(event):
    """The past evening was held: two walk-ins, the replay, and satisfaction answers."""
    event.held_at = event.ends_at + timedelta(minutes=30)
    event.replay_url = "https://video.exemple.fr/parle-moi-aidants"
    db.session.add(Registration(
        event_id=event.id, name="", email=None, source=Source.DOOR, seats=2,
        status=S.CONFIRMED, created_at=event.starts_at, confirmed_at=event.starts_at,
        checked_in_at=event.starts_at, present=2, link_key=secrets.token_hex(8),
        companions=[Companion(position=1, name="", needs="", needs_other="",
                              checked_in_at=event.starts_at)]))
    db.session.flush()
    came = list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.present > 0,
        Registration.email.is_not(None)).order_by(Registration.id)))
    for registration, _answer in zip(came, SATISFACTION, strict=False):
        registration.satisfaction_asked_at = event.ends_at + timedelta(hours=14)
        registration.satisfaction_answered = True
        db.session.add(SatisfactionReceipt(registration_id=registration.id))
    for registration in came[len(SATISFACTION):]:
        registration.satisfaction_asked_at = event.ends_at + timedelta(hours=14)
    db.session.add_all(SatisfactionAnswer(event_id=event.id, score=score, comment=comment)
                       for score, comment in SATISFACTION)
