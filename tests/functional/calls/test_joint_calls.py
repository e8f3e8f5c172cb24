"""A joint call's pages under each of its networks' addresses: the public list and page,
the coordination's form (partners ticked by the lead's coordination only) and « Mon
espace » of the partner's coordination."""

import html
import re
from datetime import timedelta

from sqlalchemy import select

from patientlab.calls import services as calls
from patientlab.calls.models import Call
from patientlab.core import days
from patientlab.core.audit import AuditEntry
from patientlab.core.models import utcnow
from patientlab.extensions import db
from tests.factories import FIRST_NETWORK, NetworkFactory, UserFactory, make_call

LEAD, PARTNER, THIRD = "coord.clara@exemple.fr", "coord.paca@exemple.fr", "coord.ouest@exemple.fr"


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True)).replace("\u202f", " ").replace(
        "\xa0", " ")


def _joint():
    paca = NetworkFactory(slug="paca", short_name="PACA", name="Cancéropôle PACA")
    ouest = NetworkFactory(slug="ouest", short_name="Ouest", name="Cancéropôle Grand Ouest")
    lead = UserFactory(email=LEAD, roles=["coordinator"])
    UserFactory(email=PARTNER, roles=["coordinator"], roles__network=paca)
    UserFactory(email=THIRD, roles=["coordinator"], roles__network=ouest)
    today = days.paris_day(utcnow())
    call = make_call(title="Appel interrégional 2027",
                     application_deadline=days.end_of_day(today + timedelta(days=3)))
    calls.set_partners(lead, call, [paca.id])
    db.session.commit()
    return call, paca, ouest


def test_the_public_list_and_page_answer_under_both_networks_and_name_both(client):
    call, _paca, _ouest = _joint()
    lead_name = db.session.get(type(_paca), FIRST_NETWORK).name
    for slug in ("clara", "paca"):
        assert "Appel interrégional 2027" in _text(client.get(f"/{slug}/appels/"))
        page = _text(client.get(f"/{slug}/appels/{call.id}"))
        assert (f'Appel commun du <a href="/clara/">{lead_name}</a> et du '
                '<a href="/paca/">Cancéropôle PACA</a>') in page
    assert "Appel interrégional 2027" not in _text(client.get("/ouest/appels/"))
    assert client.get(f"/ouest/appels/{call.id}").status_code == 404


def test_the_leads_coordination_ticks_the_partners_and_the_partners_manages_the_call(web):
    call, paca, ouest = _joint()
    web.login(LEAD)
    edit = f"/clara/coordination/appels/{call.id}/modifier"
    page = _text(web.get(edit))
    assert 'name="partners"' in page
    assert re.search(rf'<input checked[^>]*name="partners"[^>]*value="{paca.id}"', page)
    assert f'value="{FIRST_NETWORK}"' not in page.split('name="partners"', 1)[1].split(
        "</fieldset>", 1)[0]  # the lead is not offered
    form = {"title": call.title, "description": "Un appel.", "opens_on": "2026-01-01",
            "application_deadline_on": "2030-03-15", "review_deadline_on": "2030-04-30",
            "response_deadline_on": "2030-05-20", "results_on": "2030-06-15",
            "published": "y", "partners": [str(paca.id), str(ouest.id)]}
    assert web.submit(edit, form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Call, call.id).partner_ids == (paca.id, ouest.id)
    assert db.session.scalar(select(AuditEntry.summary).where(
        AuditEntry.action == "call.partners_changed").order_by(AuditEntry.id.desc()).limit(1)
    ) == "partners=paca,ouest added=ouest withdrawn=-"
    web.logout()
    web.login(PARTNER)
    page = _text(web.get(f"/paca/coordination/appels/{call.id}/modifier"))
    assert 'name="partners"' not in page
    assert "Seule la coordination du réseau qui porte l’appel change ses partenaires." in page
    assert web.get(f"/paca/coordination/appels/{call.id}").status_code == 200
    assert "Appel interrégional 2027" in _text(web.get("/paca/coordination/appels/"))


def test_mon_espace_of_the_partners_coordination_lists_the_call_in_its_own_pages(web):
    call, _paca, _ouest = _joint()
    web.login(PARTNER)
    page = _text(web.get("/mon-espace"))
    assert "L’appel « Appel interrégional 2027 » ferme bientôt" in page
    assert f"/paca/coordination/appels/{call.id}" in page
    web.logout()
    web.login(THIRD)
    assert "Appel interrégional 2027" not in _text(web.get("/mon-espace"))
    assert web.get(f"/ouest/coordination/appels/{call.id}").status_code == 404
