"""Every kind of personal data is declared by the feature that holds it (core.privacy)."""

from patientlab.core import privacy
from patientlab.extensions import db


def test_every_foreign_key_to_an_account_is_erased_exported_or_kept_for_a_reason(app):
    """A new table pointing to user.id must say what becomes of it when the person goes."""
    columns = {f"{table.name}.{column.name}"
               for table in db.metadata.sorted_tables for column in table.columns
               for key in column.foreign_keys if key.column.table.name == "user"}
    claimed = privacy.claimed_columns()
    assert sorted(columns - set(claimed)) == []
    assert sorted(set(claimed) - columns) == []  # no claim on a column that went away


def test_the_readable_copy_lists_every_section_of_the_json_export(web):
    import json

    from tests.factories import UserFactory

    UserFactory(email="karim@exemple.fr")
    db.session.commit()
    web.login("karim@exemple.fr")
    data = json.loads(web.get("/compte/donnees.json").data)
    html = web.get("/compte/donnees.html").get_data(as_text=True)
    titles = {s.name: str(s.title) for s in privacy.sections() if s.export is not None}
    sections = set(data) - {"exported_at", "account"}
    assert sections == set(titles)
    for name in sections:
        assert f"<h2>{titles[name]}</h2>" in html, name
    assert "Réponses écrites pour un projet" in html  # once forgotten by the readable copy
