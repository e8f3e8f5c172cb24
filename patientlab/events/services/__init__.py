"""« Parle-Moi » services, one module per job (import from the module that owns a name):

- ``access``: who runs an evening; the lookups that answer 404 or 403.
- ``listing``: what visitors read: the evenings, seats left, why registering is closed.
- ``seating``: the event's lock, seats confirmed, the waiting list's order and positions,
  a group's companion rows.
- ``waiting_list``: the rule that gives freed seats to the waiting list.
- ``registration``: registering (site or phone), changing, cancelling, reminders.
- ``mails`` and ``ics``: personal links, the registrants' mails, calendar files.
- ``organiser``: creating, publishing, cancelling an evening, writing to its people.
- ``organiser_registrations``: the team's work on registrations (seats, move, note, calls).
- ``figures``: an evening's figures for the organiser pages.
- ``door``: checking people in, walk-ins.
- ``after_evening``: the record, the satisfaction question, the purge of personal data.
"""
