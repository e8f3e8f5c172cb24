"""Pages a person can still reach while a gate holds them: a new version of the charter
to accept, two-step login to set up, a suspended account.

The gates themselves live with accounts; each blueprint marks its own views
(``@reachable_during(...)``), so the gates name no other feature's endpoint.
"""

from flask import current_app

CHARTER = "charter"  # a reviewer has not accepted the current charter (GET only)
TWO_STEP_SETUP = "two-step set-up"  # the role requires two-step login, not set up yet
SUSPENDED = "suspended"  # forms (POST) a suspended account may still send
EVERY_GATE = frozenset({CHARTER, TWO_STEP_SETUP, SUSPENDED})


def reachable_during(*gates: str):
    """View decorator: the view stays reachable while these gates hold."""

    def decorator(view):
        view.reachable_during = frozenset(gates) | getattr(view, "reachable_during",
                                                           frozenset())
        return view

    return decorator


def is_reachable(endpoint: str | None, gate: str) -> bool:
    if endpoint is None:
        return False
    view = current_app.view_functions.get(endpoint)
    return gate in getattr(view, "reachable_during", ())
