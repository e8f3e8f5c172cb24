"""Registration → verification → login → profile → logout, through HTTP as a person would."""

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from tests.conftest import PASSWORD, link_in, outbox


def _register(web, **overrides):
    data = {"name": "Martine Dubois", "pseudonym": "Martine D.", "email": "martine@exemple.fr",
            "password": PASSWORD, "profile": "patient_expert", "association": "",
            "motivation": "Soignée en 2019.", "charter": "y"}
    data.update(overrides)
    return web.submit("/compte/inscription", data)


def test_register_verify_login_logout(web):
    response = _register(web)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/compte/inscription/verifiez-vos-mails")
    page = web.get("/compte/inscription/verifiez-vos-mails").get_data(as_text=True)
    assert "Vérifiez vos e-mails" in page

    [message] = outbox("martine@exemple.fr")
    response = web.get(link_in(message))
    assert response.status_code == 302
    # She is told what comes next, and the login form already has her address.
    login = web.get(response.headers["Location"]).get_data(as_text=True)
    assert fr("Dernière étape : connectez-vous avec votre mot de passe.") in login
    assert 'value="martine@exemple.fr"' in login
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "martine@exemple.fr"))
    assert user.is_verified

    response = web.submit("/compte/connexion", {"email": "martine@exemple.fr",
                                                    "password": PASSWORD}, follow=True)
    page = response.get_data(as_text=True)
    assert "Bonjour Martine D., vous voilà sur votre compte." in page
    assert 'role="status"' in page

    profile = web.get("/compte/profil").get_data(as_text=True)
    assert "en attente de validation par la coordination" in profile
    assert "acceptée le" in profile  # charter
    assert web.get("/compte/profil").headers["Cache-Control"] == "no-store"

    response = web.logout()
    assert response.status_code == 302
    assert web.get("/compte/profil").status_code == 302  # back to the login page


def test_logout_is_post_only(web, make_user):
    make_user(email="anne@exemple.fr")
    web.login("anne@exemple.fr")
    assert web.get("/compte/deconnexion").status_code == 405


def test_logout_ends_the_session_even_if_the_cookie_was_copied(app, web, make_user):
    make_user(email="anne@exemple.fr")
    web.login("anne@exemple.fr")
    stolen = web.client.get_cookie("session").value
    web.logout()
    other = app.test_client()
    other.set_cookie("session", stolen)
    assert other.get("/compte/profil").status_code == 302


def test_registration_errors_are_listed_and_input_is_kept(web):
    response = _register(web, name="", email="pas-une-adresse", password="court",
                         charter="")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert fr("<title>Erreur : Créer un compte") in page
    assert "Il y a un problème" in page
    assert 'href="#name"' in page
    assert 'href="#email"' in page
    assert "Saisissez votre nom et votre prénom." in page
    assert "Saisissez une adresse e-mail valide" in page
    assert "au moins 12 caractères" in page
    assert "Cochez la case pour accepter la charte" in page
    assert 'aria-describedby="email-hint email-error"' in page
    assert 'aria-invalid="true"' in page
    assert 'value="pas-une-adresse"' in page  # kept
    assert "Soignée en 2019." in page  # kept
    assert outbox() == []


def test_common_password_is_refused_with_a_clear_message(web):
    page = _register(web, password="azertyuiop123").get_data(as_text=True)
    assert "trop courant" in page


def test_association_representative_must_choose_an_association(web):
    page = _register(web, profile="association_rep", charter="").get_data(as_text=True)
    assert "Choisissez l’association que vous représentez." in page


def test_registering_twice_shows_the_same_page_and_mails_the_owner(web, make_user):
    make_user(email="martine@exemple.fr")
    response = _register(web)
    assert response.headers["Location"].endswith("/compte/inscription/verifiez-vos-mails")
    [message] = outbox("martine@exemple.fr")
    assert "déjà un compte" in message.body_text


def test_login_does_not_reveal_whether_the_address_exists(web, make_user):
    make_user(email="anne@exemple.fr")
    wrong_password = web.submit("/compte/connexion", {"email": "anne@exemple.fr",
                                                          "password": "mauvais mot de passe"})
    unknown = web.submit("/compte/connexion", {"email": "inconnue@exemple.fr",
                                                   "password": "mauvais mot de passe"})
    assert wrong_password.status_code == unknown.status_code == 200
    text_a = wrong_password.get_data(as_text=True).replace("anne@exemple.fr", "X")
    text_b = unknown.get_data(as_text=True).replace("inconnue@exemple.fr", "X")
    strip = lambda t: t.split('name="csrf_token"')[0] + t.split("</form>")[-1]  # noqa: E731
    assert strip(text_a) == strip(text_b)
    assert "ne correspond pas" in text_a


def test_login_follows_only_local_next(web, make_user):
    make_user(email="anne@exemple.fr")
    response = web.submit("/compte/connexion", {"email": "anne@exemple.fr",
                                                    "password": PASSWORD,
                                                    "next": "https://evil.example/"})
    assert response.headers["Location"] == "/mon-espace"
    web.logout()
    response = web.submit("/compte/connexion", {"email": "anne@exemple.fr",
                                                    "password": PASSWORD,
                                                    "next": "/compte/preferences"})
    assert response.headers["Location"] == "/compte/preferences"


def test_login_page_keeps_next_from_the_protected_page(web):
    response = web.get("/compte/profil")
    assert response.status_code == 302
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/compte/profil"' in page


def test_resend_verification(web, make_user):
    make_user(email="anne@exemple.fr", email_verified_at=None)
    web.login("anne@exemple.fr")
    assert "Confirmez votre adresse e-mail" in web.get("/").get_data(as_text=True)
    web.submit("/compte/renvoyer-confirmation", form_url="/")
    assert len(outbox("anne@exemple.fr")) == 1


def test_bad_verification_link_gives_a_helpful_page(web):
    response = web.get("/compte/verifier/pas-un-jeton")
    assert response.status_code == 400
    assert "Ce lien n’est pas valide" in response.get_data(as_text=True)


def test_after_an_error_the_sign_up_form_asks_for_the_password_again_up_front(web):
    """The password came back empty while the error box spoke only of the charter: the
    second submission failed on the password."""
    page = _register(web, charter="").get_data(as_text=True)
    again = fr("Pour votre sécurité, saisissez de nouveau votre mot de passe.")
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert again in summary
    assert summary.index(again) < summary.index("Cochez la case pour accepter la charte")
    assert 'href="#password"' in summary
    form = page.split("<form")[1]
    assert again in form.split('id="password"')[0].rsplit("<label", 1)[1]  # by the field
    assert PASSWORD not in page  # never written back

    # Only its own error when the password itself is wrong.
    page = _register(web, password="court", charter="").get_data(as_text=True)
    assert again not in page
    assert "au moins 12 caractères" in page


def test_the_sign_up_form_gives_the_address_to_write_to(app, web):
    """« Si la vôtre n’est pas dans la liste, écrivez-nous. » gave no address."""
    app.config["COORDINATION_EMAIL"] = "coordination@exemple.fr"
    page = web.get("/compte/inscription").get_data(as_text=True)
    assert fr("écrivez à la coordination : <a href=\"mailto:coordination@exemple.fr\">"
              "coordination@exemple.fr</a>") in page
    assert "écrivez-nous." not in page
