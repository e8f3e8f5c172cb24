from datetime import date, timedelta

from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from tests.conftest import outbox
from tests.factories import UserFactory, make_event


def test_admin_changes_roles_and_suspends_with_errors_next_to_fields(web):
    UserFactory(email="admin@exemple.fr", roles=["admin"])
    user = UserFactory(email="karim@exemple.fr", name="Karim Benali", roles=["researcher"])
    db.session.commit()
    web.login("admin@exemple.fr")
    page = web.get("/admin/utilisateurs/?q=karim").get_data(as_text=True)
    assert "Karim Benali" in page
    url = f"/admin/utilisateurs/{user.id}"
    assert "Rôles dans les réseaux" in web.get(url).get_data(as_text=True)
    response = web.submit(f"{url}/roles", {"roles-roles": ["researcher", "organiser"]},
                          form_url=url, prefix="roles-")
    assert 'id="roles-roles-error"' in response.get_data(as_text=True)  # given per network
    response = web.submit(f"{url}/roles", {"roles-roles": ["researcher", "patient_expert"]},
                          form_url=url, prefix="roles-")
    assert response.status_code == 302
    page = web.submit(f"{url}/suspension", {"suspend-reason": "Propos insultants.",
                                            "suspend-until": "pas une date"},
                      form_url=url, prefix="suspend-").get_data(as_text=True)
    assert fr("<title>Erreur :") in page
    assert 'id="suspend-until-error"' in page
    assert "Propos insultants." in page
    until = (date.today() + timedelta(days=7)).isoformat()
    response = web.submit(f"{url}/suspension", {"suspend-reason": "Propos insultants.",
                                                "suspend-until": until},
                          form_url=url, prefix="suspend-")
    assert response.status_code == 302
    assert "suspendu" in outbox("karim@exemple.fr")[0].subject
    page = web.get("/admin/journal?action=user").get_data(as_text=True)
    assert "user.suspended" in page
    assert "user.roles_changed" in page
    assert "Propos insultants." in page


def test_a_suspended_person_reads_but_cannot_write(web):
    admin = UserFactory(email="admin@exemple.fr", roles=["admin"])
    user = UserFactory(email="karim@exemple.fr", roles=["researcher"])
    event = make_event()
    from patientlab.auth import suspension as svc

    svc.suspend(admin, user, "Propos insultants.", date.today() + timedelta(days=7))
    db.session.commit()
    web.login("karim@exemple.fr")  # logging in is still possible
    page = web.get(f"/clara/evenements/{event.id}").get_data(as_text=True)
    assert "Votre compte est suspendu jusqu’au" in page
    response = web.submit("/clara/projets/nouveau", {"title": "Un projet", "save": "1"})
    assert response.status_code == 403
    assert "Propos insultants." in response.get_data(as_text=True)
    response = web.submit(f"/clara/evenements/{event.id}/inscription",
                          {"name": "Karim", "email": "karim@exemple.fr", "seats": "1",
                           "privacy_consent": "y"}, form_url=f"/clara/evenements/{event.id}")
    assert response.status_code == 403
    assert web.submit("/compte/preferences", {"text_size": "125"}).status_code == 302
    assert web.logout().status_code == 302


def test_participation_dashboard_and_csv_for_the_coordination(web):
    UserFactory(email="anne@exemple.fr", roles=["coordinator"])
    event = make_event(days=-5, title="Soirée passée")
    db.session.commit()
    web.login("anne@exemple.fr")
    page = web.get("/clara/coordination/participation").get_data(as_text=True)
    assert "Soirée passée" in page
    assert '<svg class="chart" role="img"' in page
    assert "<caption" in page
    since = (date.today() - timedelta(days=3)).isoformat()
    page = web.get(f"/clara/coordination/participation?depuis={since}").get_data(as_text=True)
    assert "Soirée passée" not in page
    response = web.get("/clara/coordination/participation.csv?separateur=virgule")
    assert response.data.startswith("\ufeff".encode())
    assert "Rubrique,Libellé,Valeur,Présents" in response.data.decode()
    assert event.id


def test_settings_page_keeps_input_on_error_and_saves(web):
    UserFactory(email="admin@exemple.fr", roles=["admin"])
    db.session.commit()
    web.login("admin@exemple.fr")
    page = web.submit("/admin/reglages", {"MODERATION_REPORTS_TO_HIDE": "0",
                                          "MODERATION_TRUST_AFTER": "5",
                                          "MODERATION_REPORTER_MIN_DAYS": "7",
                                          "EVENT_PURGE_DAYS": "60"}).get_data(as_text=True)
    assert "Entre 1 et 50." in page
    assert 'value="5"' in page
    response = web.submit("/admin/reglages", {"MODERATION_REPORTS_TO_HIDE": "2",
                                              "MODERATION_TRUST_AFTER": "5",
                                              "MODERATION_REPORTER_MIN_DAYS": "7",
                                              "EVENT_PURGE_DAYS": "60",
                                              "FALC_READERS_NEEDED": "2"})
    assert response.status_code == 302
    page = web.get("/admin/reglages").get_data(as_text=True)
    assert 'value="60"' in page


def test_a_setting_refused_while_saving_takes_back_those_saved_before_it(web, monkeypatch):
    """The form checks the limits first; should the store refuse one value all the same
    (a limit changed in between), nothing of that form is kept."""
    from patientlab.core import settings

    UserFactory(email="admin@exemple.fr", roles=["admin"])
    db.session.commit()
    web.login("admin@exemple.fr")
    real = settings.save_settings

    def save_then_refuse(actor, values):
        real(actor, {"EVENT_PURGE_DAYS": values["EVENT_PURGE_DAYS"]})
        raise settings.SettingError("MODERATION_TRUST_AFTER", "Entre 1 et 4.")

    monkeypatch.setattr(settings, "save_settings", save_then_refuse)
    response = web.submit("/admin/reglages", {"MODERATION_REPORTS_TO_HIDE": "2",
                                              "MODERATION_TRUST_AFTER": "5",
                                              "MODERATION_REPORTER_MIN_DAYS": "7",
                                              "EVENT_PURGE_DAYS": "61",
                                              "FALC_READERS_NEEDED": "2"})
    assert response.status_code == 200
    assert "Entre 1 et 4." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(settings.PlatformSetting, "EVENT_PURGE_DAYS") is None
