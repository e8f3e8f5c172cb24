"""Networks: the cancéropôles that share the platform, one account per person.

Each network runs its own calls, evenings and project pages under its own address
(``/clara/…``); people hold roles per network. ``context`` tells which network a request
is about, ``services`` holds the rules of networks and their roles.
"""


def init_app(app) -> None:
    from patientlab.networks import context

    context.init_app(app)
    # Pages say which network runs what they show (« Organisée par le Cancéropôle PACA »).
    app.jinja_env.globals["network_of"] = context.by_id
