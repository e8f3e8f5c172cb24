from tests.conftest import PASSWORD, FormClient, link_in, outbox

NEW = "une nouvelle phrase bien longue"


def test_forgotten_password_reset_then_login(web, make_user):
    make_user(email="karim@exemple.fr")
    response = web.submit("/compte/mot-de-passe-oublie", {"email": "karim@exemple.fr"})
    assert "Si un compte existe avec l’adresse karim@exemple.fr" in response.get_data(as_text=True)
    link = link_in(outbox("karim@exemple.fr")[0])

    response = web.submit(link, {"password": "court"})
    assert "au moins 12 caractères" in response.get_data(as_text=True)

    response = web.submit(link, {"password": NEW})
    assert response.status_code == 302
    web.login("karim@exemple.fr", NEW)

    # The link served once.
    assert web.get(link).status_code == 400


def test_forgotten_password_for_unknown_address_looks_the_same(web):
    response = web.submit("/compte/mot-de-passe-oublie", {"email": "inconnu@exemple.fr"})
    page = response.get_data(as_text=True)
    assert "Si un compte existe avec l’adresse inconnu@exemple.fr" in page
    assert outbox() == []


def test_change_password_logs_out_other_devices(app, web, make_user):
    make_user(email="claire@exemple.fr")
    other_device = type(web)(app.test_client())
    other_device.login("claire@exemple.fr")
    web.login("claire@exemple.fr")

    response = web.submit("/compte/mot-de-passe", {"current_password": "faux mot de passe",
                                                       "password": NEW})
    assert "Le mot de passe actuel n’est pas le bon." in response.get_data(as_text=True)

    response = web.submit("/compte/mot-de-passe", {"current_password": PASSWORD,
                                                       "password": NEW})
    assert response.status_code == 302
    assert web.get("/compte/profil").status_code == 200
    assert other_device.get("/compte/profil").status_code == 302


def test_change_email_needs_confirmation_from_the_new_address(web, make_user):
    make_user(email="claire@exemple.fr")
    web.login("claire@exemple.fr")
    web.submit("/compte/adresse", {"email": "claire.morel@exemple.fr",
                                       "current_password": PASSWORD})
    link = link_in(outbox("claire.morel@exemple.fr")[0])
    assert web.get(link).status_code == 302
    page = web.get("/compte/profil").get_data(as_text=True)
    assert "claire.morel@exemple.fr" in page


def test_a_change_link_for_an_address_taken_since_changes_nothing_and_says_why(web, make_user):
    make_user(email="claire@exemple.fr")
    web.login("claire@exemple.fr")
    web.submit("/compte/adresse", {"email": "claire.morel@exemple.fr",
                                       "current_password": PASSWORD})
    link = link_in(outbox("claire.morel@exemple.fr")[0])
    make_user(email="claire.morel@exemple.fr")
    response = web.get(link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = web.get("/").get_data(as_text=True)
    assert "Cette adresse est maintenant utilisée par un autre compte." in page
    page = web.get("/compte/profil").get_data(as_text=True)
    assert "claire@exemple.fr" in page
    assert outbox("claire@exemple.fr") == []


def test_profile_update_is_saved_and_errors_keep_input(web, make_user):
    make_user(email="claire@exemple.fr")
    web.login("claire@exemple.fr")
    response = web.submit("/compte/profil", {"name": "", "pseudonym": "Dr Morel",
                                                 "bio": "Épidémiologiste", "association": ""})
    page = response.get_data(as_text=True)
    assert "Saisissez votre nom et votre prénom." in page
    assert 'value="Dr Morel"' in page
    assert "Épidémiologiste" in page

    response = web.submit("/compte/profil", {"name": "Claire Morel", "pseudonym": "Dr Morel",
                                                 "bio": "Épidémiologiste", "association": ""},
                              follow=True)
    page = response.get_data(as_text=True)
    assert "Votre profil est enregistré." in page
    assert 'value="Dr Morel"' in page


def test_request_a_role_from_the_account(web, make_user):
    make_user(email="claire@exemple.fr")
    web.login("claire@exemple.fr")
    page = web.submit("/compte/role", {"role": "patient_expert", "motivation": ""}
                          ).get_data(as_text=True)
    assert "Cochez la case pour accepter la charte" in page
    response = web.submit("/compte/role", {"role": "patient_expert", "charter": "y"},
                              follow=True)
    assert "en attente de validation" in response.get_data(as_text=True)


def test_password_reset_link_is_built_on_the_public_url_not_on_the_host_header(
        app, client, make_user):
    """Host-header poisoning: the reset link must never point to the attacker's host."""
    make_user(email="lea@exemple.fr")
    page = client.get("/compte/mot-de-passe-oublie", headers={"Host": "attacker.example"})
    token = FormClient.TOKEN.search(page.get_data(as_text=True))
    client.post("/compte/mot-de-passe-oublie", headers={"Host": "attacker.example"},
                data={"csrf_token": token.group(1) or token.group(2),
                      "email": "lea@exemple.fr"})
    [message] = outbox("lea@exemple.fr")
    assert "attacker.example" not in message.body_text
    assert app.config["PUBLIC_URL"] + "/compte/mot-de-passe/" in message.body_text


def test_the_reset_mail_and_pages_give_the_link_s_validity_in_the_same_words(app, web,
                                                                             make_user):
    """The mail said « 60 minutes » while the pages said « une heure »."""
    make_user(email="karim@exemple.fr")
    assert "Il est valable une heure." in web.get(
        "/compte/mot-de-passe-oublie").get_data(as_text=True)
    response = web.submit("/compte/mot-de-passe-oublie", {"email": "karim@exemple.fr"})
    assert "Il est valable une heure." in response.get_data(as_text=True)
    assert "Le lien est valable une heure et ne sert qu’une fois." in outbox(
        "karim@exemple.fr")[0].body_text

    # The number comes from the setting.
    app.config["PASSWORD_RESET_MAX_AGE"] = 1800
    web.submit("/compte/mot-de-passe-oublie", {"email": "karim@exemple.fr"})
    assert "Le lien est valable 30 minutes" in outbox("karim@exemple.fr")[1].body_text
