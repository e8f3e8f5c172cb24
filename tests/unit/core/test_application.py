"""The application class keeps what Flask would make again at every request: the session
cookie's signer (a new one when the keys change) and the answer of ensure_sync."""

from patientlab.core.application import Application


def test_the_session_signer_is_made_once_and_again_when_the_keys_change(app):
    assert isinstance(app, Application)
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    signed = first.dumps({"csrf_token": "abc"})
    old_key = app.secret_key
    try:
        app.secret_key = "une-autre-clé-" + "y" * 32
        other = interface.get_signing_serializer(app)
        assert other is not first
        assert other.loads(other.dumps({"a": 1})) == {"a": 1}
        app.config["SECRET_KEY_FALLBACKS"] = [old_key]
        rotated = interface.get_signing_serializer(app)
        assert rotated.loads(signed) == {"csrf_token": "abc"}  # the old key still reads
    finally:
        app.secret_key = old_key
        app.config["SECRET_KEY_FALLBACKS"] = []


def test_a_session_written_at_one_request_is_read_at_the_next(client):
    with client.session_transaction() as written:  # saved by the app's session interface
        written["mot"] = "bonjour"
    with client.session_transaction() as read:  # opened by it, from the signed cookie
        assert read["mot"] == "bonjour"


def test_ensure_sync_answers_once_per_function(app):
    def hook():
        return "fait"

    assert app.ensure_sync(hook) is hook
    assert app.ensure_sync(hook) is hook
    assert hook in app.__dict__["_ensured_sync"]
