"""A visitor finds an evening of her town in the national agenda, on her phone: from the
platform's home page to the agenda, filtered by town, to the PACA evening, where she
registers herself and her husband, who needs step-free access; then her mail, and its
link to her registration in the network that runs the evening."""


def plain(text: str) -> str:
    """The text as read: French typography's no-break spaces as spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_visitor_finds_her_towns_evening_in_the_agenda_and_registers_with_her_husband(
        journey_url, phone, look, mailbox):
    title = "Reprendre le travail après un cancer"  # PACA's evening in Marseille (demo)
    address = "josiane.ferrand@exemple.fr"
    page = phone(text_size=150).new_page()

    # The platform's home page leads to the agenda of every network.
    page.goto(journey_url + "/")
    look(page, "home")
    page.get_by_role("link", name="L’agenda des soirées de tous les réseaux").click()
    look(page, "agenda")
    text = plain(page.inner_text("main"))
    assert "Nice" in text
    assert "Marseille" in text

    # She keeps the evenings of Marseille: a form that needs no script.
    page.get_by_label("Ville", exact=True).select_option("Marseille")
    page.get_by_role("button", name="Filtrer").click()
    look(page, "agenda: Marseille")
    assert "ville=Marseille" in page.url
    text = plain(page.inner_text("main"))
    assert "1 soirée à venir correspond à votre recherche" in text
    assert "Ville : Marseille." in text
    assert page.locator("main .card h3").all_inner_texts() == [title]
    assert "PACA" in page.locator("main .card").inner_text()

    # The evening, in its own network's pages.
    page.get_by_role("link", name=title).click()
    look(page, "PACA evening")
    assert "/paca/evenements/" in page.url
    assert page.get_by_role("link", name="Organisée par le Cancéropôle "
                            "Provence-Alpes-Côte d’Azur").get_attribute("href").endswith("/paca/")

    # Herself and her husband, who needs step-free access.
    page.get_by_label("2 personnes").check()
    page.get_by_role("button", name="Continuer").click()
    look(page, "registration form for two")
    page.get_by_label("Nom et prénom").first.fill("Josiane Ferrand")
    page.get_by_role("textbox", name="Adresse e-mail").fill(address)
    husband = page.locator("fieldset.companion")
    husband.get_by_label("Nom et prénom").fill("Marcel Ferrand")
    husband.get_by_label("Accès sans marche (fauteuil roulant, déambulateur)").check()
    page.get_by_label("J’accepte que ces besoins soient transmis", exact=False).check()
    page.get_by_label("J’accepte que mon nom et mon adresse e-mail", exact=False).check()
    page.get_by_role("button", name="M’inscrire").click()
    assert f"Nous avons envoyé un e-mail à {address}" in plain(page.inner_text("main"))
    look(page, "registration sent")

    # The mail confirms it and leads to her registration, in PACA's pages.
    mail = mailbox.wait_for(to=address, subject_contains="Inscription confirmée")
    assert "Places confirmées : 2." in plain(mail.text)
    assert "Avec vous : Marcel Ferrand" in plain(mail.text)
    assert title in mail.text
    page.goto(mail.link(containing="/paca/inscriptions/"))
    look(page, "personal page")
    text = plain(page.inner_text("main"))
    assert title in text
    assert "Places confirmées : 2." in text
    assert "Marcel Ferrand : Accès sans marche" in text
