from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from patientlab.core.models import utcnow
from patientlab.core.pagination import page_number
from patientlab.core.sanitize import editable
from patientlab.core.security import Role, acting_user, roles_required, safe_next_url
from patientlab.core.text import fold
from patientlab.core.transaction import attempt
from patientlab.extensions import db
from patientlab.moderation.models import REFUSAL_REASONS
from patientlab.networks import context
from patientlab.projects import clarity, followup, writing
from patientlab.projects import falc as easy_read
from patientlab.projects import services as svc
from patientlab.projects import terms as lexicon
from patientlab.projects.forms import (
    AnswerForm,
    ClarityForm,
    DeleteForm,
    FollowForm,
    GlossaryTermForm,
    PlainWordForm,
    ProjectForm,
    PublishForm,
    QuestionForm,
    ReturnForm,
    SearchForm,
    SubmitForPublicationForm,
)
from patientlab.projects.models import GlossaryTerm, PlainWord

bp = Blueprint("projects", __name__)




# --- Public list and detail --------------------------------------------------


@bp.route("/projets/")
def index():
    form = SearchForm(request.args)
    form.validate()
    query = svc.SearchQuery(
        q=(form.q.data or "")[:200], cancer=form.cancer.data or "", theme=form.theme.data or "",
        status=form.status.data or "", sort=form.sort.data or "pertinence",
        page=page_number(request.args.get("page")))
    results = svc.search_projects(query)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("projects/index.html", search=form, results=results, query=query,
                           page_args=args)


def _render_detail(project, *, question_form=None, clarity_form=None, answer_forms=None,
                   status=200):
    user = acting_user()
    rating = clarity.my_rating(user, project)
    if clarity_form is None:
        clarity_form = ClarityForm(formdata=None)
        if rating is not None:
            clarity_form.score.data = str(rating.score)
            clarity_form.unclear.data = rating.unclear
    questions = svc.published_questions(project)
    answer_forms = answer_forms or {}
    waiting_answers = {}
    if svc.can_edit(user, project):
        waiting_answers = svc.pending_answers(questions)
        for question in questions:
            answer_forms.setdefault(question.id, AnswerForm(
                formdata=None, prefix=f"reponse-{question.id}",
                answer=waiting_answers.get(question.id)
                or (question.answer.body if question.answer else "")))
    return render_template(
        "projects/detail.html", project=project, summary=svc.lay_summary(project),
        milestones=followup.milestones_of(project), updates=followup.updates_of(project),
        results=followup.published_results(project),
        following=followup.is_following(user, project),
        followers=followup.follower_count(project), can_follow=followup.can_follow(user),
        is_team=followup.is_team(user, project), follow_form=FollowForm(formdata=None),
        now=utcnow(),
        questions=questions, my_pending=svc.my_pending_questions(user, project),
        question_form=question_form or QuestionForm(formdata=None),
        clarity_form=clarity_form, rating=rating, answer_forms=answer_forms,
        waiting_answers=waiting_answers,
        can_edit=svc.can_edit(user, project), can_ask=svc.can_ask(user),
        can_rate=clarity.can_rate(user), can_publish=svc.can_publish(user, project),
        refusal_reasons=REFUSAL_REASONS, form=question_form or clarity_form,
    ), status


@bp.route("/projets/<int:project_id>")
def detail(project_id):
    project = svc.get_project_or_404(project_id, current_user)
    return _render_detail(project)


@bp.route("/projets/<int:project_id>/facile-a-lire")
def falc(project_id):
    project = svc.get_project_or_404(project_id, current_user)
    if not project.has_falc:
        abort(404)
    return render_template("projects/falc.html", project=project,
                           lines=[line for line in project.falc_text.split("\n") if line.strip()],
                           falc_check=easy_read.check(project))


@bp.route("/projets/<int:project_id>/questions", methods=["POST"])
@login_required
def ask(project_id):
    project = svc.get_project_or_404(project_id, current_user)
    form = QuestionForm()
    if form.validate_on_submit():
        # A refusal of the person (e-mail not confirmed) is a 403 (core.errors).
        with attempt(form) as done:
            svc.ask_question(acting_user(), project, form.body.data)
        if done:
            flash(_("Merci ! Votre question sera publiée après relecture par l’équipe de "
                    "modération. Vous recevrez un e-mail quand l’équipe aura répondu."), "success")
            return redirect(url_for("projects.detail", project_id=project.id) + "#questions")
    return _render_detail(project, question_form=form)


@bp.route("/projets/<int:project_id>/questions/<int:question_id>/reponse", methods=["POST"])
@login_required
def answer(project_id, question_id):
    project = svc.get_project_or_404(project_id, current_user)
    question = svc.get_question_or_404(question_id, project)
    if not svc.can_edit(acting_user(), project):
        abort(403)
    form = AnswerForm(prefix=f"reponse-{question.id}")
    if form.validate_on_submit():
        with attempt(form) as done:
            answer, outcome = svc.save_answer(acting_user(), question, form.answer.data)
        if done:
            flash(_answer_saved(answer, outcome), "success")
            return redirect(url_for("projects.detail", project_id=project.id)
                            + f"#question-{question.id}")
    return _render_detail(project, answer_forms={question.id: form})


def _answer_saved(answer, outcome: str) -> str:
    if outcome == "unchanged":
        return _("Rien n’a changé.")
    if outcome == "pending":
        return _("Votre modification attend la relecture de l’équipe de modération. En "
                 "attendant, la réponse publiée reste en ligne.")
    if outcome == "withdrawn":
        return _("Votre modification en attente est retirée : la réponse publiée reste "
                 "en ligne.")
    if answer.is_published:
        return _("Votre réponse est publiée.")
    return _("Merci ! Votre réponse sera publiée après relecture par l’équipe de "
             "modération. La personne qui a posé la question recevra alors un e-mail.")


@bp.route("/projets/<int:project_id>/clarte", methods=["POST"])
@login_required
def rate(project_id):
    project = svc.get_project_or_404(project_id, current_user)
    if not clarity.can_rate(acting_user()):
        abort(403)
    form = ClarityForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            clarity.rate_clarity(acting_user(), project, int(form.score.data),
                                 form.unclear.data or "")
        if done:
            flash(_("Merci pour votre avis sur la clarté du résumé."), "success")
            return redirect(url_for("projects.detail", project_id=project.id) + "#clarte")
    return _render_detail(project, clarity_form=form)


# --- Researchers ---------------------------------------------------------------


@bp.route("/projets/mes-projets")
@roles_required(Role.RESEARCHER, Role.COORDINATOR, Role.ADMIN)
def mine():
    return render_template("projects/mine.html", rows=svc.dashboard(acting_user()))


def _data_from(form) -> svc.ProjectData:
    return svc.ProjectData(
        title=form.title.data or "", teaser=form.teaser.data or "",
        research_status=form.research_status.data, region=form.region.data or "",
        lab=form.lab.data or "", team=form.team.data or "",
        cancer_types=form.cancer_types.data or [], themes=form.themes.data or [],
        why=form.why.data or "", what=form.what.data or "", change=form.change.data or "",
        involvement=form.involvement.data or "",
        scientific_abstract=form.scientific_abstract.data or "",
        start_date=form.start_date.data, end_date=form.end_date.data,
        falc_text=form.falc_text.data or "")


def _form_for(project) -> ProjectForm:
    """The page as it stands for its team: its change waiting for the moderators, if any."""
    shown = svc.pending_data(project, acting_user()) or project
    form = ProjectForm(formdata=None, obj=shown)
    for name in svc.SUMMARY_FIELDS:
        getattr(form, name).data = editable(getattr(shown, name))
    form.cancer_types.data = shown.cancer_types
    form.themes.data = shown.themes
    return form


def _edit_page(form, project=None, analysis=None, status=200):
    if analysis is None and project is not None:
        analysis = writing.summary_analysis(svc.pending_data(project, acting_user())
                                            or project)
    return render_template(
        "projects/edit.html", form=form, project=project, analysis=analysis,
        waiting=project is not None and svc.pending_data(project, acting_user()) is not None,
        other_change=svc.other_change(project, acting_user()) if project else None,
        falc_remarks=easy_read.remarks(project) if project is not None else [],
        submit_form=SubmitForPublicationForm(formdata=None),
        missing=svc.missing_for_publication(project) if project else []), status


@bp.route("/projets/nouveau", methods=["GET", "POST"])
@roles_required(Role.RESEARCHER, Role.COORDINATOR, Role.ADMIN)
def new():
    form = ProjectForm()
    if form.validate_on_submit():
        data = _data_from(form)
        if form.check.data:
            return _edit_page(form, analysis=writing.summary_analysis(data))
        project = svc.create_project(acting_user(), data)
        flash(_("Le projet est enregistré comme brouillon. Voici sa lisibilité."), "success")
        return redirect(url_for("projects.edit", project_id=project.id) + "#lisibilite")
    return _edit_page(form)


@bp.route("/projets/<int:project_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(project_id):
    project = svc.get_editable_project(project_id, current_user)
    form = ProjectForm() if request.method == "POST" else _form_for(project)
    if form.validate_on_submit():
        data = _data_from(form)
        if form.check.data:
            return _edit_page(form, project, analysis=writing.summary_analysis(data))
        with attempt(form) as done:
            outcome = svc.update_project(acting_user(), project, data)
        if not done:
            return _edit_page(form, project, status=422)
        flash(_project_saved(outcome), "success")
        return redirect(url_for("projects.edit", project_id=project.id) + "#lisibilite")
    return _edit_page(form, project)


def _project_saved(outcome: str) -> str:
    if outcome == "unchanged":
        return _("Rien n’a changé.")
    if outcome == "pending":
        return _("Votre modification attend la relecture de l’équipe de modération. En "
                 "attendant, la page publiée reste en ligne.")
    if outcome == "withdrawn":
        return _("Votre modification en attente est retirée : la page publiée reste en "
                 "ligne.")
    return _("Les modifications sont enregistrées.")


@bp.route("/projets/<int:project_id>/soumettre", methods=["POST"])
@login_required
def submit(project_id):
    project = svc.get_editable_project(project_id, current_user)
    form = SubmitForPublicationForm()
    if form.validate_on_submit():
        with attempt() as done:
            svc.submit_for_publication(acting_user(), project)
        if done:
            flash(_("Le projet est envoyé. La coordination le relit avant de le publier."),
                  "success")
    return redirect(url_for("projects.edit", project_id=project.id))


# --- Publication by coordinators and moderators --------------------------------


@bp.route("/projets/a-publier")
@roles_required(*svc.PUBLISHERS)
def review_queue():
    return render_template("projects/review_queue.html", projects=svc.submitted_projects())


def _review_page(project, *, publish_form=None, return_form=None):
    return_form = return_form or ReturnForm(prefix="send_back", formdata=None)
    return render_template("projects/review.html", project=project,
                           summary=svc.lay_summary(project),
                           publish_form=publish_form or PublishForm(prefix="publish",
                                                                    formdata=None),
                           return_form=return_form, form=return_form,
                           analysis=writing.summary_analysis(project).overall)


@bp.route("/projets/<int:project_id>/publication")
@roles_required(*svc.PUBLISHERS)
def review(project_id):
    return _review_page(svc.get_project_or_404(project_id, current_user))


@bp.route("/projets/<int:project_id>/publication/publier", methods=["POST"])
@roles_required(*svc.PUBLISHERS)
def publish(project_id):
    project = svc.get_project_or_404(project_id, current_user)
    form = PublishForm(prefix="publish")
    if not form.validate_on_submit():
        return _review_page(project, publish_form=form)
    with attempt() as done:
        svc.publish(acting_user(), project)
    if not done:
        return redirect(url_for("projects.review", project_id=project.id))
    flash(_("« %(title)s » est publié.", title=project.title), "success")
    return redirect(url_for("projects.review_queue"))


@bp.route("/projets/<int:project_id>/publication/renvoyer", methods=["POST"])
@roles_required(*svc.PUBLISHERS)
def send_back(project_id):
    project = svc.get_project_or_404(project_id, current_user)
    form = ReturnForm(prefix="send_back")
    if not form.validate_on_submit():
        return _review_page(project, return_form=form)
    with attempt() as done:
        svc.return_to_author(acting_user(), project, form.reason.data)
    if not done:
        return redirect(url_for("projects.review", project_id=project.id))
    flash(_("Le projet est renvoyé à l’équipe avec votre message."), "success")
    return redirect(url_for("projects.review_queue"))


@bp.route("/projets/lisibilite/<section>", methods=["POST"])
@roles_required(Role.RESEARCHER, *svc.EDITORS)
def check_section(section):
    """One section's writing help, as the researcher writes (the page's script asks for
    it; without JavaScript, « Vérifier la lisibilité » shows it for every section)."""
    titles = {**svc.SECTION_TITLES, **followup.RESULT_TITLES}
    if section not in titles:
        abort(404)
    analysis = writing.analyse_section(request.form.get("text", "")[:4000],
                                       context.current_id())
    return render_template("projects/_section_readability.html", analysis=analysis,
                           title=titles[section],
                           editor=acting_user().has_any_role(svc.EDITORS))


# --- Glossary ----------------------------------------------------------------
# A network's pages show the national glossary and the network's own terms together. Its
# coordination keeps its own terms and plain words; the administration keeps the national
# ones (the same pages, with a choice of list).


@bp.route("/glossaire")
def glossary():
    terms = lexicon.glossary(context.current_id())
    letters = {}
    for term in terms:
        letters.setdefault(fold(term.term)[:1].upper(), []).append(term)
    # « depuis »: where the reader came from, a local path only (never another site), so
    # that the page and the entry they came for offer the way back.
    back = svc.way_back(safe_next_url(request.args.get("depuis")), current_user)
    return render_template("projects/glossary.html", letters=letters, back=back,
                           focus=request.args.get("terme", "")[:120])


def _with_scope(form, national_label):
    """The administration chooses the national list or this network's; the coordination
    adds to its network's only (no choice shown)."""
    if lexicon.may_keep(acting_user(), None):
        form.scope.choices = [
            ("reseau", _("Celui du %(network)s seulement", network=context.current().name)),
            ("national", national_label)]
    else:
        del form.scope
    return form


def _chosen_network(form) -> int | None:
    return None if "scope" in form and form.scope.data == "national" else context.current_id()


@bp.route("/glossaire/gerer", methods=["GET", "POST"])
@roles_required(*svc.EDITORS)
def glossary_manage():
    form = _with_scope(GlossaryTermForm(), _("Le glossaire national, montré dans tous les "
                                            "réseaux"))
    if request.method == "GET" and request.args.get("terme"):
        form.term.data = request.args["terme"][:120]  # « Ajouter au glossaire » from the help
    if form.validate_on_submit():
        with attempt(form) as done:
            term = lexicon.save_term(acting_user(), None, form.term.data, form.definition.data,
                                     _chosen_network(form))
        if done:
            flash(_("« %(term)s » est ajouté au glossaire.", term=term.term), "success")
            return redirect(url_for("projects.glossary_manage"))
    return render_template("projects/glossary_manage.html", form=form,
                           terms=lexicon.glossary(context.current_id()),
                           delete_form=DeleteForm(formdata=None))


def _kept_here_or_404(row):
    """A term or plain word this person keeps: another network's is not found under this
    network's address; the national ones are the administration's (403 to others)."""
    if row is None:
        abort(404)
    if row.network_id is not None:
        context.ensure_in_current(row.network_id)
    if not lexicon.may_keep(acting_user(), row.network_id):
        abort(403)
    return row


def _term_or_404(term_id):
    return _kept_here_or_404(db.session.get(GlossaryTerm, term_id))


@bp.route("/glossaire/<int:term_id>/modifier", methods=["GET", "POST"])
@roles_required(*svc.EDITORS)
def glossary_edit(term_id):
    term = _term_or_404(term_id)
    form = GlossaryTermForm(obj=term) if request.method == "GET" else GlossaryTermForm()
    del form.scope  # a term stays in its own glossary
    if request.method == "GET":
        form.term.data = term.term
    if form.validate_on_submit():
        with attempt(form) as done:
            lexicon.save_term(acting_user(), term, form.term.data, form.definition.data)
        if done:
            flash(_("Le terme est enregistré."), "success")
            return redirect(url_for("projects.glossary_manage"))
    return render_template("projects/glossary_edit.html", form=form, term=term)


@bp.route("/glossaire/<int:term_id>/supprimer", methods=["POST"])
@roles_required(*svc.EDITORS)
def glossary_delete(term_id):
    term = _term_or_404(term_id)
    if DeleteForm().validate_on_submit():
        lexicon.delete_term(acting_user(), term)
        flash(_("Le terme est supprimé du glossaire."), "success")
    return redirect(url_for("projects.glossary_manage"))


# --- Plain words ---------------------------------------------------------------


def _plain_word_or_404(word_id):
    return _kept_here_or_404(db.session.get(PlainWord, word_id))


def _plain_word_form(entry):
    form = PlainWordForm()
    if entry is not None:
        del form.scope  # a word stays in its own list
        if request.method == "GET":
            form.word.data, form.alternatives.data = entry.word, entry.alternatives
        return form
    return _with_scope(form, _("La liste nationale, proposée dans tous les réseaux"))


@bp.route("/glossaire/mots-simples", methods=["GET", "POST"])
@bp.route("/glossaire/mots-simples/<int:word_id>", methods=["GET", "POST"])
@roles_required(*svc.EDITORS)
def plain_words(word_id=None):
    """The « mots simples » list (national and this network's), offered by the writing
    help."""
    entry = _plain_word_or_404(word_id) if word_id is not None else None
    form = _plain_word_form(entry)
    if form.validate_on_submit():
        with attempt(form) as done:
            saved = writing.save_plain_word(acting_user(), entry, form.word.data,
                                            form.alternatives.data, _chosen_network(form))
        if done:
            flash(_("« %(word)s » est enregistré dans les mots simples.", word=saved.word),
                  "success")
            return redirect(url_for("projects.plain_words"))
    return render_template("projects/plain_words.html", form=form, entry=entry,
                           words=writing.plain_words(context.current_id()),
                           delete_form=DeleteForm(formdata=None))


@bp.route("/glossaire/mots-simples/<int:word_id>/supprimer", methods=["POST"])
@roles_required(*svc.EDITORS)
def plain_word_delete(word_id):
    entry = _plain_word_or_404(word_id)
    if DeleteForm().validate_on_submit():
        writing.delete_plain_word(acting_user(), entry)
        flash(_("Le mot est retiré de la liste."), "success")
    return redirect(url_for("projects.plain_words"))
