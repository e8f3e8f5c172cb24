"""The FALC reading panel's pages (projects.falc): the coordination's page of panels and
readers, and the readers' own pages, opened from their personal link (no account, no
time limit), written the FALC way and shown in large text."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from patientlab.core.security import TokenError, acting_user, private_page, roles_required
from patientlab.core.transaction import attempt
from patientlab.core.urls import external_url
from patientlab.extensions import db

from . import falc as easy_read
from . import services as svc
from .forms import DeleteForm, FalcPanelForm, FalcReaderForm, falc_reading_form
from .models import FalcReader
from .routes import bp


def _reader_form(panels, formdata=True):
    form = FalcReaderForm(prefix="lecteur") if formdata else \
        FalcReaderForm(prefix="lecteur", formdata=None)
    form.panel.choices = [(p.id, p.name) for p in panels]
    return form


def _panels_page(panels, *, panel_form=None, reader_form=None):
    """Panels, readers and their personal links; what each FALC text's check stands at. A
    form sent back with its errors is shown as it was typed."""
    links = {r.id: external_url("projects.falc_reader_home",
                                token=easy_read.reader_link_token(r))
             for r in easy_read.readers() if r.active}
    texts = [(p, easy_read.check(p), len(easy_read.remarks(p)))
             for p in easy_read.texts_to_read()]
    return render_template("projects/falc_panels.html",
                           panel_form=panel_form or FalcPanelForm(prefix="groupe",
                                                                  formdata=None),
                           reader_form=reader_form or _reader_form(panels, formdata=False),
                           panels=panels, readers=easy_read.readers(), links=links,
                           texts=texts, revoke_form=DeleteForm(formdata=None),
                           needed=easy_read.needed())


@bp.route("/facile-a-lire/relecture")
@roles_required(*svc.EDITORS)
def falc_panels():
    return _panels_page(easy_read.panels())


@bp.route("/facile-a-lire/relecture/groupes", methods=["POST"])
@roles_required(*svc.EDITORS)
def falc_new_panel():
    form = FalcPanelForm(prefix="groupe")
    if form.validate_on_submit():
        with attempt(form) as done:
            panel = easy_read.create_panel(acting_user(), form.name.data)
        if done:
            flash(_("Le groupe « %(name)s » est créé. Invitez maintenant ses lecteurs.",
                    name=panel.name), "success")
            return redirect(url_for("projects.falc_panels"))
    return _panels_page(easy_read.panels(), panel_form=form)


@bp.route("/facile-a-lire/relecture/lecteurs", methods=["POST"])
@roles_required(*svc.EDITORS)
def falc_invite_reader():
    panels = easy_read.panels()
    form = _reader_form(panels)
    if form.validate_on_submit():
        panel = next(p for p in panels if p.id == form.panel.data)
        with attempt(form) as done:
            reader = easy_read.invite_reader(acting_user(), panel, form.name.data)
        if done:
            flash(_("%(name)s est invité. Donnez-lui son lien personnel, imprimé ou par "
                    "message.", name=reader.name), "success")
            return redirect(url_for("projects.falc_panels", _anchor=f"lecteur-{reader.id}"))
    return _panels_page(panels, reader_form=form)


@bp.route("/facile-a-lire/lecteurs/<int:reader_id>/retirer", methods=["POST"])
@roles_required(*svc.EDITORS)
def falc_reader_revoke(reader_id):
    reader = db.session.get(FalcReader, reader_id)
    if reader is None:
        abort(404)
    if DeleteForm().validate_on_submit():
        easy_read.revoke_reader(acting_user(), reader)
        flash(_("Le lien de %(name)s ne fonctionne plus.", name=reader.name), "success")
    return redirect(url_for("projects.falc_panels"))


def _reader_or_400(token):
    try:
        return easy_read.reader_for_token(token)
    except TokenError:
        abort(400)


@bp.route("/facile-a-lire/lecteur/<token>")
@private_page
def falc_reader_home(token):
    reader = _reader_or_400(token)
    texts = [(p, easy_read.has_read(reader, p)) for p in easy_read.texts_to_read()]
    return render_template("projects/falc_reader_home.html", reader=reader, texts=texts,
                           token=token, large_text=True)


def _answers(form, count: int) -> dict:
    """Paragraph number → (understood: True, False or None if not said, comment)."""
    return {n: ({"oui": True, "non": False}.get(form[f"paragraph_{n}"].data),
                form[f"comment_{n}"].data or "") for n in range(1, count + 1)}


@bp.route("/facile-a-lire/lecteur/<token>/<int:project_id>", methods=["GET", "POST"])
@private_page
def falc_read(token, project_id):
    reader = _reader_or_400(token)
    project = svc.get_project_or_404(project_id, None)
    parts = easy_read.paragraphs(project)
    if not parts:
        abort(404)
    form = falc_reading_form(len(parts))
    if form.validate_on_submit():
        with attempt(form) as done:
            easy_read.record_readings(reader, project, _answers(form, len(parts)))
        if done:
            flash(_("Merci ! Vos réponses sont enregistrées."), "success")
            return redirect(url_for("projects.falc_reader_home", token=token))
    return render_template("projects/falc_read.html", reader=reader, project=project,
                           parts=parts, form=form, token=token, large_text=True)
