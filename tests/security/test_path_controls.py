"""ASCII control characters in the address.

``POST /moderation/signaler/%01%7F%1B/1`` without a token, from a logged-in browser
(``Sec-Fetch-Site: same-origin``), answered 303: the form was kept for the account under
the page ``/moderation/signaler/\\x01\\x7f\\x1b/1``, and « Mes données » showed those
characters back. The path was cleaned of the code points HTML forbids only when it held
non-ASCII characters (core.urls.ApplicationRoot); kept forms stored ``request.path`` as is.
The path is now cleaned always, and a kept form's page again before it is stored."""

import re

from sqlalchemy import select

from patientlab.core import kept
from patientlab.core.kept import KeptForm
from patientlab.core.security import Role
from patientlab.extensions import db

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
IN_PAGE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # a page has line breaks


def test_ascii_controls_in_the_path_are_neither_stored_nor_served(web, make_user):
    make_user(Role.PATIENT_EXPERT, email="patient@exemple.fr")
    web.login("patient@exemple.fr")
    for path in ("/clara/moderation/signaler/%01%7F%1B/1",
                 "/clara/moderation/signaler/a%09%0A%0Db/1",
                 "/clara/evenements/%00%01"):
        answer = web.client.post(path, headers={"Sec-Fetch-Site": "same-origin"},
                                 data={"reason": "Un message"})
        assert answer.status_code in (303, 400, 404, 405, 308), (path, answer.status_code)
        assert not CONTROL.search(answer.headers.get("Location", "")), path
        assert not IN_PAGE.search(answer.get_data(as_text=True)), path
    db.session.expire_all()
    paths = list(db.session.scalars(select(KeptForm.path)))
    assert all(not CONTROL.search(path) for path in paths), paths
    page = web.get("/compte/donnees.html").get_data(as_text=True)
    assert not IN_PAGE.search(page)


def test_a_kept_form_is_never_stored_under_a_path_with_controls(app, make_user):
    user = make_user(Role.PATIENT_EXPERT)
    with app.test_request_context("/"):
        assert kept.keep("/clara/moderation/signaler/\x01\x7f\x1b/1",
                         kept.MultiDict({"reason": "x"}), user_id=user.id)
        assert not kept.keep("/" + "a" * 600, kept.MultiDict({"reason": "x"}),
                             user_id=user.id)
        db.session.commit()
        assert list(db.session.scalars(select(KeptForm.path))) == ["/clara/moderation/signaler//1"]
