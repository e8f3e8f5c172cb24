"""Every table says which network its rows belong to, or why they belong to none.

A network's people see what was given to that network (its calls, evenings, project
pages and all that hangs from them); a few things are the person's or the platform's,
across networks. A new table fails here until it is declared in ``SCOPES``:

- ``"network_id"``: its own ``network_id`` column, required, pointing at ``network``;
- ``"through <table>"``: a required foreign key to a parent whose rows have a network
  (followed up to a table with ``network_id``);
- ``"through kind/object_id: <what>"``: it names the content it is about by kind and id
  (the moderation's rows), so its network is that content's;
- ``"national or network_id: <reason>"``: an optional ``network_id`` pointing at
  ``network``, empty for the rows shared by every network (the national glossary), set for
  a network's own, and why;
- ``"national: <reason>"``: shared by every network, and why.
"""

import pytest

from patientlab.extensions import db

NETWORK_ID = "network_id"
NATIONAL_OR_NETWORK = "national or network_id: "

SCOPES = {
    # A network and what is given to it.
    "network": "national: the networks themselves",
    "network_role": NETWORK_ID,
    "reviewer_network": NETWORK_ID,
    "association_network": NETWORK_ID,
    "call": NETWORK_ID,
    "call_partner": NETWORK_ID,
    "event": NETWORK_ID,
    "project": NETWORK_ID,
    # Calls: applications, reviews, committees.
    "call_application": "through call",
    "call_criterion": "through call",
    "committee_session": "through call",
    "review_assignment": "through call_application",
    "project_funding": "through call_application",
    "review": "through review_assignment",
    "review_answer": "through review",
    "review_rating": "through review",
    "committee_member": "through committee_session",
    "committee_item": "through committee_session",
    "committee_score": "through committee_item",
    # Evenings: registrations and what came after.
    "event_registration": "through event",
    "event_project": "through event",
    "event_satisfaction": "through event",
    "event_companion": "through event_registration",
    "event_satisfaction_receipt": "through event_registration",
    # Project pages and what readers wrote on them.
    "project_question": "through project",
    "project_answer": "through project_question",
    "project_milestone": "through project",
    "project_update": "through project",
    "project_results": "through project",
    "project_theme": "through project",
    "project_cancer_type": "through project",
    "clarity_rating": "through project",
    "falc_reading": "through project",
    # Moderation: about one piece of content, named by its kind and id.
    "content_report": "through kind/object_id: the reported text (a question, an answer, "
                      "a profile…)",
    "moderation_appeal": "through kind/object_id: the refused or hidden text",
    "moderation_revision": "through kind/object_id: the public text being changed",
    # The person's, across networks.
    "user": "national: one account per person",
    "user_role": "national: roles that are the person's everywhere (patient expert, "
                 "representative, researcher, administration)",
    "role_request": "national: a request for one of those national roles",
    "recovery_code": "national: the account's two-step login",
    "charter_acceptance": "national: one charter for the whole platform",
    "member_bio": "national: one public profile per person (/membres/…)",
    "notification_setting": "national: the person's own choice of mails",
    "notification_subscription": "national: what the person follows, kept with the account",
    "notification_digest": "national: one summary mail per person and period",
    "outbox_message": "national: a mail to one person",
    "kept_form": "national: a form kept for its own author for a few hours",
    "audit_entry": "national: the platform's journal, read by its administration",
    # The platform's, across networks.
    "association": "national: an association may belong to several networks "
                   "(association_network)",
    "charter_version": "national: one charter for the whole platform",
    "platform_setting": "national: the platform's settings",
    "falc_panel": "national: a reading group (an ESAT's workshop) reads for every network",
    "falc_reader": "national: a reader of a reading group, known by a first name only",
    "glossary_term": NATIONAL_OR_NETWORK + "the national glossary, shown in every network, "
                     "and each network's own terms",
    "plain_word": NATIONAL_OR_NETWORK + "the national plain words, and each network's own",
    "content_version": "national: counters of the page cache, no personal data",
}

#: Column names that hold what someone wrote or who someone is.
PERSONAL_COLUMNS = {"email", "phone", "recipient", "body", "comment", "note", "text"}


def _tables():
    return {table.name: table for table in db.metadata.sorted_tables}


def _network_column_problem(table, *, optional: bool = False) -> str | None:
    column = table.columns.get(NETWORK_ID)
    if column is None:
        return "has no network_id column"
    if column.nullable and not optional:
        return "network_id may be empty"
    if optional and not column.nullable:
        return "network_id is required: declare it network_id"
    if not any(fk.column.table.name == "network" for fk in column.foreign_keys):
        return "network_id does not point at network"
    return None


def _parent_problem(table, parent: str) -> str | None:
    keys = [fk for fk in table.foreign_keys if fk.column.table.name == parent]
    if not keys:
        return f"has no foreign key to {parent}"
    if all(fk.parent.nullable for fk in keys):
        return f"its foreign key to {parent} may be empty"
    return None


def _problems(tables, scopes) -> list[str]:
    problems = []
    for name in sorted(tables.keys() - scopes.keys()):
        problems.append(f"{name}: not declared (which network do its rows belong to?)")
    for name in sorted(scopes.keys() - tables.keys()):
        problems.append(f"{name}: declared but no such table")
    for name, scope in sorted(scopes.items()):
        table = tables.get(name)
        if table is None:
            continue
        problem = None
        if scope == NETWORK_ID:
            problem = _network_column_problem(table)
        elif scope.startswith(NATIONAL_OR_NETWORK) and scope.removeprefix(
                NATIONAL_OR_NETWORK).strip():
            problem = _network_column_problem(table, optional=True)
        elif scope.startswith("through kind/object_id:"):
            if not {"kind", "object_id"} <= set(table.columns.keys()):
                problem = "has no kind and object_id columns"
        elif scope.startswith("through "):
            problem = _parent_problem(table, scope.removeprefix("through "))
            if problem is None:
                problem = _chain_problem(name, scopes)
        elif scope.startswith("national: ") and scope.removeprefix("national: ").strip():
            if NETWORK_ID in table.columns:
                problem = "has a network_id column: declare it scoped"
            elif "no personal data" in scope and _looks_personal(table):
                problem = "says no personal data, but names a person or holds their words"
        else:
            problem = f"unknown declaration {scope!r}"
        if problem is not None:
            problems.append(f"{name}: {problem}")
    return problems


def _chain_problem(name: str, scopes) -> str | None:
    seen = [name]
    scope = scopes[name]
    while scope.startswith("through ") and not scope.startswith("through kind/object_id:"):
        parent = scope.removeprefix("through ")
        if parent in seen:
            return "its parents go round in a circle: " + " → ".join([*seen, parent])
        seen.append(parent)
        scope = scopes.get(parent, "")
    if scope != NETWORK_ID:
        return "its parents reach no network: " + " → ".join(seen)
    return None


def _looks_personal(table) -> bool:
    points_at_people = any(fk.column.table.name == "user" for fk in table.foreign_keys)
    return points_at_people or bool(PERSONAL_COLUMNS & set(table.columns.keys()))


def test_every_table_says_which_network_its_rows_belong_to(app):
    assert _problems(_tables(), SCOPES) == []


def test_a_new_table_must_be_declared(app):
    scopes = dict(SCOPES)
    del scopes["review_rating"]
    assert _problems(_tables(), scopes) == [
        "review_rating: not declared (which network do its rows belong to?)"]


@pytest.mark.parametrize(("table", "scope", "problem"), [
    ("event_registration", NETWORK_ID, "has no network_id column"),
    ("event_registration", "through project", "has no foreign key to project"),
    ("review", "through call_application", "has no foreign key to call_application"),
    ("falc_reading", "through falc_reader",
     "its parents reach no network: falc_reading → falc_reader"),
    ("reviewer_network", "national: reviewers are everyone's",
     "has a network_id column: declare it scoped"),
    ("user", "national: no personal data", "says no personal data, but names a person or "
     "holds their words"),
    ("user", "national: ", "unknown declaration 'national: '"),
    ("user", "scoped", "unknown declaration 'scoped'"),
    ("user", NATIONAL_OR_NETWORK + "accounts", "has no network_id column"),
    ("network_role", NATIONAL_OR_NETWORK + "roles", "network_id is required: declare it "
     "network_id"),
    ("glossary_term", NETWORK_ID, "network_id may be empty"),
    ("plain_word", "national: one list", "has a network_id column: declare it scoped"),
    ("event_satisfaction", "through kind/object_id: the evening",
     "has no kind and object_id columns"),
])
def test_a_wrong_declaration_is_refused(app, table, scope, problem):
    scopes = {**SCOPES, table: scope}
    assert _problems(_tables(), scopes) == [f"{table}: {problem}"]


def test_a_parent_that_may_be_missing_leaves_no_network(app):
    table = _tables()["event_registration"]
    # user_id may be empty (a visitor registers without an account).
    assert _parent_problem(table, "user") == "its foreign key to user may be empty"
