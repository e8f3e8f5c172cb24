"""Every state-changing route refuses a request without a CSRF token (400); a visitor's
evening registration, which carries no token, is refused by its origin instead (403,
tests/security/test_registration_origin.py)."""

import pytest
from flask import url_for

ARGS = {"project_id": 1, "question_id": 1, "term_id": 1, "request_id": 1, "token": "x",
        "event_id": 1, "registration_id": 1, "call_id": 1, "application_id": 1,
        "assignment_id": 1, "review_id": 1, "criterion_id": 1, "user_id": 1,
        "kind": "question", "item_id": 1, "association_id": 1, "section": "why",
        "word_id": 1, "reader_id": 1, "session_id": 1, "member_id": 1, "point_id": 1,
        "milestone_id": 1, "update_id": 1, "revision_id": 1, "lang": "en", "network": "clara",
        "network_id": 1}


#: Forms a visitor posts without a token: checked by their origin (core.security).
ORIGIN_CHECKED = {"events.register"}


def _post_routes(app):
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "POST" in rule.methods and rule.endpoint != "static":
                yield rule.endpoint, url_for(rule.endpoint,
                                             **{a: ARGS[a] for a in rule.arguments})


def test_there_are_post_routes_to_check(app):
    assert len(list(_post_routes(app))) >= 15


@pytest.mark.parametrize("logged_in", [False, True])
def test_post_without_csrf_token_is_400_everywhere(app, web, make_user, logged_in):
    if logged_in:
        make_user("admin", "coordinator", "moderator", "researcher", "organiser",
                  email="tout@exemple.fr")
        web.login("tout@exemple.fr")
    wrong = []
    for endpoint, url in _post_routes(app):
        status = web.client.post(url, data={"title": "x", "body": "x"}).status_code
        expected = 403 if endpoint in ORIGIN_CHECKED and not logged_in else 400
        if status != expected:
            wrong.append(f"{endpoint} {url}: {status}")
    assert not wrong, wrong
