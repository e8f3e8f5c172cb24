import json

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, SubmitField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from patientlab.core.forms import (
    BaseForm,
    MultiCheckboxField,
    TrimmedStringField,
    TrimmedTextAreaField,
    max_length,
)
from patientlab.core.i18n import written

from .models import COI_REASONS, CriterionKind, Decision, Visibility


def _date(label, example="15/03/2027"):
    return DateField(label, validators=[InputRequired(
        message=_l("Indiquez une date, par exemple %(example)s.", example=example))])


class CallForm(BaseForm):
    title = TrimmedStringField(
        _l("Titre de l’appel"),
        validators=[DataRequired(message=_l("Donnez un titre à l’appel, par exemple « Oncostarter "
                                            "2027 – Expérience patient ».")), max_length(200)])
    description = TrimmedTextAreaField(
        _l("Présentation"),
        validators=[DataRequired(message=_l("Présentez l’appel en quelques phrases.")),
                    max_length(6000)])
    eligibility = TrimmedTextAreaField(_l("Qui peut candidater"),
                                       validators=[Optional(), max_length(4000)])
    opens_on = _date(_l("Ouverture des candidatures"))
    application_deadline_on = _date(_l("Dernier jour pour déposer une candidature"))
    review_deadline_on = _date(_l("Dernier jour pour les relectures"))
    response_deadline_on = _date(_l("Dernier jour pour les réponses des porteurs"))
    results_on = _date(_l("Date des résultats"))
    published = BooleanField(_l("Publier l’appel (il devient visible de tous)"))
    # The other networks (choices given by the route); removed when the person does not
    # coordinate the lead network.
    partners = MultiCheckboxField(_l("Réseaux partenaires de cet appel commun"), coerce=int)
    submit = SubmitField(_l("Enregistrer l’appel"))


class CriterionForm(BaseForm):
    label = TrimmedStringField(
        _l("Question posée aux relecteurs"),
        validators=[DataRequired(message=_l("Écrivez la question, par exemple « Le projet est-il "
                                            "important pour les patients ? »")),
                    max_length(300)])
    help_text = TrimmedTextAreaField(_l("Aide affichée sous la question"),
                                     validators=[Optional(), max_length(1000)])
    kind = RadioField(_l("Type de réponse"), choices=list(CriterionKind.LABELS.items()),
                      default=CriterionKind.SCALE,
                      validators=[InputRequired(message=_l("Choisissez un type de réponse."))])
    anchors = TrimmedTextAreaField(_l("Libellés de l’échelle, du plus faible au plus fort"),
                                   validators=[Optional(), max_length(500)])
    required = BooleanField(_l("Réponse obligatoire"), default=True)
    comment_below = IntegerField(
        _l("Commentaire obligatoire pour une note inférieure ou égale à"),
        validators=[Optional(), NumberRange(min=1, max=5, message=_l("Un nombre entre 1 et 5."))])
    visibility = RadioField(_l("Qui lit la réponse"), choices=list(Visibility.LABELS.items()),
                            default=Visibility.SHARED,
                            validators=[InputRequired(message=_l("Choisissez qui lit la "
                                                                 "réponse."))])
    submit = SubmitField(_l("Enregistrer la question"))


class MoveForm(BaseForm):
    up = SubmitField(_l("Monter"))
    down = SubmitField(_l("Descendre"))


class DeleteForm(BaseForm):
    submit = SubmitField(_l("Supprimer"))


class ApplicationForm(BaseForm):
    title = TrimmedStringField(
        _l("Titre du projet"),
        validators=[DataRequired(message=_l("Donnez un titre au projet, par exemple « Mieux "
                                            "dormir après un cancer du sein ».")),
                    max_length(200)])
    lay_summary = TrimmedTextAreaField(_l("Résumé pour les patients"),
                                       validators=[Optional(), max_length(4000)])
    scientific_summary = TrimmedTextAreaField(_l("Résumé scientifique"),
                                              validators=[Optional(), max_length(6000)])
    involvement_plan = TrimmedTextAreaField(_l("Comment les patients participent au projet"),
                                            validators=[Optional(), max_length(4000)])
    budget_summary = TrimmedTextAreaField(_l("Budget demandé et son usage"),
                                          validators=[Optional(), max_length(3000)])
    team = TrimmedTextAreaField(_l("Équipe"), validators=[Optional(), max_length(2000)])
    attachment = FileField(_l("Document PDF"))
    remove_attachment = BooleanField(_l("Supprimer le document joint"))
    save = SubmitField(_l("Enregistrer le brouillon"))
    check = SubmitField(_l("Vérifier la lisibilité du résumé"))
    review = SubmitField(_l("Relire avant de déposer"))


class SubmitApplicationForm(BaseForm):
    submit = SubmitField(_l("Déposer la candidature"))


class InterestsForm(BaseForm):
    conflict = RadioField(
        _l("Avez-vous un lien avec ce projet ou son équipe ?"),
        choices=[("no", _l("Non, je n’ai aucun lien")),
                 ("yes", _l("Oui, j’ai un lien (je ne relirai pas ce projet)"))],
        validators=[InputRequired(message=_l("Répondez oui ou non."))])
    reason = SelectField(_l("Quel lien ?"),
                         choices=[("", _l("Choisir…")), *COI_REASONS.items()],
                         validators=[Optional()])
    details = TrimmedTextAreaField(_l("Précisions"), validators=[Optional(), max_length(1000)])
    submit = SubmitField(_l("Enregistrer ma déclaration"))

    def validate_reason(self, field):
        if self.conflict.data == "yes" and not field.data:
            raise ValidationError(_l("Choisissez le lien qui vous concerne."))


class ScoreField(RadioField):
    """A radio group whose values are integers, with our own error messages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("validators", [Optional()])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            try:
                self.data = int(valuelist[0])
            except ValueError:
                self.data = None
                self.process_errors.append(_l("Choisissez une des réponses proposées."))

    def pre_validate(self, form):
        if self.data is not None and self.data not in {value for value, _ in self.choices}:
            raise ValidationError(_l("Choisissez une des réponses proposées."))


def review_form(criteria, *, answers=None, blank: bool = False):
    """``blank``: a new form filled from ``answers``; otherwise the posted data."""
    """A form with one score group and one comment per criterion of the call."""

    class ReviewForm(BaseForm):
        save = SubmitField(_l("Enregistrer le brouillon"))
        check = SubmitField(_l("Relire avant d’envoyer"))
        send = SubmitField(_l("Enregistrer et envoyer la relecture"))

    # The questions are the coordination's words (or the default questions, translated):
    # their labels carry their own language (core.i18n.written).
    for number, criterion in enumerate(criteria, start=1):
        if criterion.is_scored:
            setattr(ReviewForm, f"score_{criterion.id}",
                    ScoreField(written(criterion.display_label),
                               choices=[(value, written(label))
                                        for value, label in criterion.options()]))
        # Each comment's label names its question, for people who hear the labels.
        setattr(ReviewForm, f"comment_{criterion.id}", TrimmedTextAreaField(
            _l("Votre commentaire sur la question %(num)s", num=number)
            if criterion.is_scored else written(criterion.display_label),
            validators=[Optional(), max_length(5000)]))
    form = ReviewForm(formdata=None) if blank else ReviewForm()
    if blank and answers and not form.restored:
        for criterion_id, answer in answers.items():
            score = getattr(form, f"score_{criterion_id}", None)
            if score is not None:
                score.data = answer.score
            comment = getattr(form, f"comment_{criterion_id}", None)
            if comment is not None:
                comment.data = answer.comment
    return form


class SendReviewForm(BaseForm):
    submit = SubmitField(_l("Envoyer ma relecture"))


class AssignForm(BaseForm):
    reviewers = MultiCheckboxField(_l("Relecteurs et relectrices à affecter"), coerce=int)
    submit = SubmitField(_l("Affecter les personnes cochées"))


class UnassignForm(BaseForm):
    submit = SubmitField(_l("Retirer"))


class RephraseForm(BaseForm):
    message = TrimmedTextAreaField(
        _l("Ce qu’il faudrait reformuler"),
        validators=[DataRequired(message=_l("Écrivez ce qu’il faudrait reformuler, par exemple "
                                            "« Le nom de votre médecin permet de vous "
                                            "reconnaître. »")), max_length(2000)])
    submit = SubmitField(_l("Demander une reformulation"))


def comments_form(review, criteria, blank: bool = False):
    class CommentsForm(BaseForm):
        submit = SubmitField(_l("Enregistrer les corrections"))

    for criterion in criteria:
        setattr(CommentsForm, f"comment_{criterion.id}", TrimmedTextAreaField(
            written(criterion.display_label), validators=[Optional(), max_length(5000)]))
    form = CommentsForm(prefix="edit", formdata=None) if blank else \
        CommentsForm(prefix="edit")
    if blank:
        for criterion in criteria:
            answer = review.answer_for(criterion.id)
            getattr(form, f"comment_{criterion.id}").data = answer.comment if answer else ""
    return form


class ReleaseForm(BaseForm):
    submit = SubmitField(_l("Transmettre les relectures au porteur"))


class DecisionForm(BaseForm):
    decision = RadioField(_l("Décision du comité"), choices=list(Decision.LABELS.items()),
                          validators=[InputRequired(message=_l("Choisissez la décision."))])
    rationale = TrimmedTextAreaField(
        _l("Explication publique de la décision"),
        validators=[DataRequired(message=_l("Expliquez la décision en quelques phrases.")),
                    max_length(3000)])
    submit = SubmitField(_l("Enregistrer la décision et prévenir"))


def response_form(feedback, application, blank: bool = False):
    """One answer per released comment, and one to the whole review."""

    class ResponseForm(BaseForm):
        general = TrimmedTextAreaField(_l("Votre réponse à l’ensemble des avis"),
                                       validators=[Optional(), max_length(6000)])
        submit = SubmitField(_l("Envoyer ma réponse"))
        save_draft = SubmitField(_l("Enregistrer le brouillon"))

    comment_ids = [answer.id for summary in feedback.criteria
                   for _letter, answer in summary.comments]
    for answer_id in comment_ids:
        setattr(ResponseForm, f"response_{answer_id}", TrimmedTextAreaField(
            _l("Ce que vous changez"), validators=[Optional(), max_length(3000)]))
    form = ResponseForm(formdata=None) if blank else ResponseForm()
    if blank and not form.restored:
        draft = json.loads(application.response_draft) if application.response_draft else None
        form.general.data = draft["general"] if draft else application.response_general
        for summary in feedback.criteria:
            for _letter, answer in summary.comments:
                getattr(form, f"response_{answer.id}").data = (
                    draft["comments"].get(str(answer.id), "") if draft else answer.response)
    return form


# --- The selection committee ----------------------------------------------------------


class CommitteeSessionForm(BaseForm):
    title = TrimmedStringField(
        _l("Nom de la séance"),
        validators=[DataRequired(message=_l("Donnez un nom, par exemple « Comité de "
                                            "sélection du 12 mars ».")), max_length(200)])
    day = DateField(_l("Date"), validators=[InputRequired(message=_l(
        "Indiquez la date, par exemple 12/03/2027."))])
    time = TrimmedStringField(_l("Heure"), default="14:00", validators=[
        DataRequired(message=_l("Indiquez l’heure, par exemple 14:00.")), max_length(5)])
    place = TrimmedStringField(_l("Lieu"), validators=[Optional(), max_length(300)])
    online_url = TrimmedStringField(_l("Lien de la réunion en ligne"),
                                    validators=[Optional(), max_length(500)])
    scale_max = IntegerField(_l("Note la plus haute"), default=9, validators=[
        InputRequired(message=_l("Choisissez une échelle, 9 par défaut."))])
    submit = SubmitField(_l("Créer la séance"))


class CommitteeMemberForm(BaseForm):
    email = TrimmedStringField(_l("Adresse e-mail de son compte"),
                               validators=[DataRequired(message=_l(
                                   "Écrivez l’adresse du compte de la personne.")),
                                   max_length(254)])
    group = RadioField(_l("Collège"), choices=[], validators=[InputRequired(
        message=_l("Choisissez le collège de la personne."))])
    secretary = BooleanField(_l("Prend les notes de la séance (secrétariat)"))
    submit = SubmitField(_l("Ajouter au comité"))


def committee_score_form(scale_max: int, *, final: bool):
    class CommitteeScoreForm(BaseForm):
        score = ScoreField(_l("Votre note finale") if final else _l("Votre note préliminaire"),
                           choices=[(n, str(n)) for n in range(1, scale_max + 1)])
        submit = SubmitField(_l("Enregistrer ma note finale") if final
                             else _l("Enregistrer ma note préliminaire"))

    if not final:  # the short comment goes with the preliminary score only
        CommitteeScoreForm.comment = TrimmedTextAreaField(
            _l("Votre commentaire, en quelques mots"), validators=[Optional(), max_length(2000)])
    return CommitteeScoreForm(prefix="final" if final else "prelim")


class CommitteeNotesForm(BaseForm):
    notes = TrimmedTextAreaField(_l("Notes de la discussion"),
                                 validators=[Optional(), max_length(20000)])
    submit = SubmitField(_l("Enregistrer les notes"))


class RecommendationForm(BaseForm):
    recommendation = RadioField(_l("Recommandation du comité"), choices=[],
                                validators=[InputRequired(message=_l(
                                    "Choisissez la recommandation du comité."))])
    reasons = TrimmedTextAreaField(
        _l("Les raisons, en mots simples"),
        validators=[DataRequired(message=_l("Écrivez les raisons en mots simples : le "
                                            "porteur du projet les lira.")),
                    max_length(6000)])
    without_scores = BooleanField(_l("Enregistrer sans les notes finales qui manquent"))
    submit = SubmitField(_l("Enregistrer la recommandation"))


class CloseSessionForm(BaseForm):
    submit = SubmitField(_l("Terminer la séance"))


class ReopenSessionForm(BaseForm):
    reason = TrimmedTextAreaField(
        _l("Pourquoi rouvrir la séance ?"),
        validators=[DataRequired(message=_l("Dites pourquoi vous rouvrez la séance : c’est "
                                            "gardé dans l’historique.")), max_length(2000)])
    submit = SubmitField(_l("Rouvrir la séance"))


class ActionForm(BaseForm):
    """A button that does one thing (open an item, move it, mark a presence…)."""

    submit = SubmitField(_l("Valider"))


class ReviewRatingForm(BaseForm):
    rating = RadioField(_l("Pour la coordination, cette relecture est"),
                        choices=[], validators=[InputRequired(message=_l(
                            "Choisissez « utile », « trop vague » ou « pas constructive »."))])
    submit = SubmitField(_l("Enregistrer l’évaluation"))
