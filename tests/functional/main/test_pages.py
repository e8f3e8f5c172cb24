import pytest
from flask import abort

from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from tests.factories import NetworkFactory, make_call, make_event, make_project


def test_home_is_french_by_default_and_says_what_is_live(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="fr"' in page
    assert page.count("<h1") == 1
    # Nothing yet: each section says so, never « bientôt ».
    assert "Aucune soirée n’est annoncée pour le moment." in page
    assert "Aucun appel n’est ouvert en ce moment." in page
    assert "Aucun projet n’est encore publié." in page
    assert "Bientôt" not in page
    make_event(title="Parler du cancer aux enfants", capacity=30)
    make_event(title="Soirée en brouillon", published=False)
    make_call(state="open", title="Oncostarter 2027")
    make_project(title="Marcher après un cancer du sein")
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Parler du cancer aux enfants" in page
    assert "30 places restantes" in page
    assert "Soirée en brouillon" not in page
    assert "Oncostarter 2027" in page
    assert "candidatures jusqu’au" in page
    assert "Marcher après un cancer du sein" in page
    assert "Comment devenir patiente experte ou patient expert" in page
    assert 'href="#contenu"' in page
    assert '<main id="contenu" tabindex="-1"' in page
    assert fr("Accessibilité : partiellement conforme") in page


def test_home_links_each_evening_call_and_project_to_its_own_networks_page(client):
    other = NetworkFactory()
    event = make_event(title="Soirée à Marseille", network_id=other.id)
    call = make_call(state="open", title="Appel de l’autre réseau", network_id=other.id)
    project = make_project(title="Projet de l’autre réseau", network_id=other.id)
    clara_event = make_event(title="Soirée à Lyon")
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert f'href="/{other.slug}/evenements/{event.id}"' in page
    assert f'href="/{other.slug}/appels/{call.id}"' in page
    assert f'href="/{other.slug}/projets/{project.id}"' in page
    assert f'href="/clara/evenements/{clara_event.id}"' in page


@pytest.mark.parametrize("url", ["/accessibilite", "/confidentialite", "/charte"])
def test_public_information_pages(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("<h1") == 1


def test_accessibility_statement_has_what_the_law_requires(client):
    page = client.get("/accessibilite").get_data(as_text=True)
    for needed in ("article 47", "partiellement conforme", "RGAA", "Défenseur des droits",
                   "Signaler un problème", "axe-core"):
        assert needed in page


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Permissions-Policy" in response.headers


def test_no_inline_script_or_style_in_pages(client):
    page = client.get("/compte/inscription").get_data(as_text=True)
    assert "<script>" not in page
    assert "style=" not in page
    assert "<style" not in page


def test_healthz_is_200_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_is_503_without_the_database(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("database down")

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_unknown_page_is_a_translated_404_with_the_layout(client):
    response = client.get("/nulle-part")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page introuvable" in page
    assert 'id="navigation"' in page


def test_wrong_method_is_a_405_page(client):
    response = client.post("/accessibilite")
    assert response.status_code in (400, 405)  # CSRF check may answer first
    response = client.delete("/accessibilite")
    assert response.status_code == 405
    assert "Action impossible" in response.get_data(as_text=True)


def test_post_without_csrf_token_from_another_site_is_refused_with_a_clear_page(client):
    response = client.post("/compte/connexion", data={"email": "a@b.fr", "password": "x"},
                           headers={"Origin": "https://ailleurs.example"})
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)


def test_a_form_without_any_origin_is_refused_too(client):
    response = client.post("/compte/connexion", data={"email": "a@b.fr", "password": "x"})
    assert response.status_code == 400


def test_oversized_body_is_a_friendly_413(client):
    response = client.post("/compte/connexion", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "dépasse 2 Mo" in response.get_data(as_text=True)


def test_a_page_with_a_file_field_takes_a_larger_body_before_the_form_is_read(client):
    """The upload size is raised by a hook registered before CSRF's, which reads the
    form: 3 MB to an application's page reach the CSRF check (400, no token), not 413."""
    response = client.post("/clara/candidatures/nouvelle/1",
                           data={"title": "x" * (3 * 1024 * 1024)},
                           headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 400


@pytest.fixture
def failing_app():
    """A separate app with routes that fail on purpose, to see the 429 and 500 pages."""
    from patientlab import create_app

    app = create_app("testing", {"PROPAGATE_EXCEPTIONS": False})
    app.add_url_rule("/_test/boom", "boom", lambda: 1 / 0)
    app.add_url_rule("/_test/slow-down", "slow_down", lambda: abort(429))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_server_error_is_a_translated_500_page(failing_app):
    response = failing_app.test_client().get("/_test/boom")
    assert response.status_code == 500
    assert "Un problème technique est survenu" in response.get_data(as_text=True)


def test_too_many_requests_page(failing_app):
    response = failing_app.test_client().get("/_test/slow-down")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)


def test_home_tells_a_reviewer_where_they_stand_instead_of_how_to_become_one(web, make_user):
    from patientlab.auth import services as accounts
    from patientlab.core.security import Role

    make_user(Role.PATIENT_EXPERT, email="martine@exemple.fr")
    web.login("martine@exemple.fr")
    page = web.get("/").get_data(as_text=True)
    assert "Votre compte de relecture est validé" in page
    assert "Comment devenir patiente experte" not in page
    web.logout()
    karim = make_user(email="karim@exemple.fr")
    accounts.request_role(karim, Role.ASSOCIATION_REP, "Je représente la Ligue.")
    db.session.commit()
    web.login("karim@exemple.fr")
    page = web.get("/").get_data(as_text=True)
    assert "en attente de validation par la coordination" in page
    assert "Comment devenir patiente experte" not in page
