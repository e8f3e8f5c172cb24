"""Two networks in the browser: PACA's coordinator works in PACA's coordination and never
sees CLARA's, whatever address she types."""

from sqlalchemy import select

from patientlab.calls.models import Application, Call, CallPartner
from patientlab.extensions import db
from patientlab.networks.models import Network
from tests.browser.conftest import log_in
from tests.browser.harness import assert_no_axe_violations

PACA_COORDINATOR = "coordination.paca@exemple.fr"
REFUSED = {403: "Vous n’avez pas accès à cette page", 404: "Page introuvable"}


def _clara_secrets(live_app) -> tuple[list[int], list[str]]:
    """CLARA's own calls (ids) and what only its coordination may read: the calls' and the
    applications' titles. The call CLARA runs with PACA (joint) is PACA's too: left out."""
    with live_app.app_context():
        clara = db.session.scalar(select(Network.id).where(Network.slug == "clara"))
        joint = select(CallPartner.call_id)
        calls = db.session.execute(select(Call.id, Call.title).where(
            Call.network_id == clara, Call.id.not_in(joint)).order_by(Call.id)).all()
        applications = db.session.scalars(select(Application.title).join(Call).where(
            Call.network_id == clara, Call.id.not_in(joint))).all()
        db.session.remove()
    assert calls, "the demo gives CLARA calls"
    assert applications, "the demo gives CLARA's calls applications"
    return [c.id for c in calls], [c.title for c in calls] + list(applications)


def test_paca_coordinator_works_in_paca_and_never_reaches_claras_coordination(
        new_context, base_url, live_app):
    call_ids, secrets = _clara_secrets(live_app)
    context = log_in(new_context(), base_url, PACA_COORDINATOR)
    page = context.new_page()

    # From « Mon espace » (a page of the whole platform), the menu leads to PACA's.
    page.goto(base_url + "/mon-espace")
    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("link", name="Coordination",
                                                   exact=True).click()
    assert page.url == base_url + "/paca/coordination/"
    response = page.reload()
    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page, "PACA coordination")
    main = page.inner_text("main")
    leaked = [title for title in secrets if title in main]
    assert not leaked, f"PACA's coordination shows CLARA's: {leaked}"
    # Every link of her coordination page stays in PACA or on the whole platform's pages.
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(a => a.pathname)")
    assert not [h for h in hrefs if h.startswith("/clara/")], hrefs

    for path in ("/clara/coordination/", f"/clara/coordination/appels/{call_ids[0]}",
                 f"/paca/coordination/appels/{call_ids[0]}",
                 f"/paca/coordination/appels/{call_ids[-1]}/modifier"):
        response = page.goto(base_url + path)
        assert response.status in REFUSED, f"{path}: HTTP {response.status}"
        words = REFUSED[response.status]
        assert words in page.title(), f"{path}: title « {page.title()} »"
        assert page.inner_text("h1") == words, f"{path}: h1 « {page.inner_text('h1')} »"
        main = page.inner_text("main")
        leaked = [title for title in secrets if title in main]
        assert not leaked, f"{path} shows CLARA's: {leaked}"
        assert_no_axe_violations(page, f"PACA coordinator on {path}")
