"""Six members send their final scores at the same moment: all six are kept.

Runs on the live test database (a SQLite file, or PostgreSQL with `make test-postgres`),
each member in its own thread with its own connection.
"""

import threading
from datetime import timedelta

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.calls import committee as cm
from patientlab.calls.models import Application, Call
from patientlab.core.locking import start_write_transaction
from patientlab.core.models import utcnow
from patientlab.core.security import Role
from patientlab.extensions import db
from patientlab.networks.models import NetworkRole

MEMBERS = 6


def _member(live_app, session_id, item_id, user_id, score, barrier, errors):
    try:
        with live_app.app_context():
            barrier.wait(timeout=30)
            start_write_transaction()  # as the item's page does for a POST
            user = db.session.get(User, user_id)
            session = db.session.get(cm.CommitteeSession, session_id)
            item = next(i for i in session.items if i.id == item_id)
            cm.save_final(user, item, score)
            db.session.commit()
            db.session.remove()
    except Exception as error:  # reported by the test, not lost in the thread
        errors.append(error)


def test_final_scores_sent_at_once_are_all_kept(live_app):
    with live_app.app_context():
        call = db.session.scalar(select(Call).order_by(Call.id))
        # The call's network's coordination chairs its committee.
        chair = db.session.scalar(
            select(User).join(NetworkRole, NetworkRole.user_id == User.id)
            .where(NetworkRole.role == Role.COORDINATOR,
                   NetworkRole.network_id == call.network_id).order_by(User.id))
        application = db.session.scalar(select(Application).where(
            Application.call_id == call.id))
        session = cm.create_session(chair, call, "Séance simultanée",
                                    utcnow() + timedelta(days=1), "", "", 9)
        users = []
        for n in range(MEMBERS):
            user = User(email=f"membre-simultane-{n}@exemple.fr", name=f"Membre {n}",
                        password_hash="x", email_verified_at=utcnow())
            db.session.add(user)
            db.session.flush()
            users.append(user.id)
            member = cm.add_member(chair, session, user, cm.PATIENT if n % 2 else cm.SCIENTIST)
            member.present = True
        item = next(i for i in session.items if i.application_id == application.id)
        cm.open_item(chair, item)
        db.session.commit()
        session_id, item_id = session.id, item.id
        db.session.remove()
    barrier, errors = threading.Barrier(MEMBERS), []
    threads = [threading.Thread(target=_member, args=(
        live_app, session_id, item_id, user_id, 1 + n, barrier, errors))
        for n, user_id in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with live_app.app_context():
        session = db.session.get(cm.CommitteeSession, session_id)
        item = next(i for i in session.items if i.id == item_id)
        assert cm.spread(item).final == [1, 2, 3, 4, 5, 6]
        db.session.delete(session)
        db.session.commit()
        db.session.remove()
