from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from patientlab.core.forms import (
    BaseForm,
    MultiCheckboxField,
    TrimmedStringField,
    TrimmedTextAreaField,
    max_length,
)

from .models import CANCER_TYPES, REGIONS, THEMES, ResearchStatus
from .services import SORTS

SUMMARY_MAX = 4000


class ProjectForm(BaseForm):
    title = TrimmedStringField(
        _l("Titre du projet"),
        validators=[DataRequired(message=_l("Donnez un titre au projet, par exemple « Bouger "
                                            "pendant la chimiothérapie ».")), max_length(200)])
    teaser = TrimmedStringField(_l("Le projet en une phrase"),
                                validators=[Optional(), max_length(400)])
    research_status = SelectField(
        _l("Avancement de la recherche"),
        choices=[(k, v) for k, v in ResearchStatus.LABELS.items()])
    region = SelectField(_l("Cancéropôle"),
                         choices=[("", _l("Non précisé")), *list(REGIONS.items())])
    lab = TrimmedStringField(_l("Laboratoire ou service"), validators=[Optional(), max_length(200)])
    team = TrimmedTextAreaField(_l("Équipe"), validators=[Optional(), max_length(2000)])
    cancer_types = MultiCheckboxField(_l("Types de cancer"),
                                      choices=list(CANCER_TYPES.items()))
    themes = MultiCheckboxField(_l("Thèmes"), choices=list(THEMES.items()))
    why = TrimmedTextAreaField(_l("Pourquoi cette recherche ?"),
                               validators=[Optional(), max_length(SUMMARY_MAX)])
    what = TrimmedTextAreaField(_l("Ce que l’équipe va faire"),
                                validators=[Optional(), max_length(SUMMARY_MAX)])
    change = TrimmedTextAreaField(_l("Ce que cela pourrait changer pour les patients"),
                                  validators=[Optional(), max_length(SUMMARY_MAX)])
    involvement = TrimmedTextAreaField(_l("Comment les patients sont associés"),
                                       validators=[Optional(), max_length(SUMMARY_MAX)])
    scientific_abstract = TrimmedTextAreaField(_l("Résumé scientifique"),
                                               validators=[Optional(), max_length(6000)])
    start_date = DateField(_l("Date de début"), validators=[Optional()],
                           render_kw={"autocomplete": "off"})
    end_date = DateField(_l("Date de fin prévue"), validators=[Optional()],
                         render_kw={"autocomplete": "off"})
    falc_text = TrimmedTextAreaField(_l("Version « Facile à lire et à comprendre » (FALC)"),
                                     validators=[Optional(), max_length(SUMMARY_MAX)])
    save = SubmitField(_l("Enregistrer"))
    check = SubmitField(_l("Vérifier la lisibilité"))

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("La date de fin doit venir après la date de début."))


class SubmitForPublicationForm(BaseForm):
    submit = SubmitField(_l("Envoyer pour publication"))


class PublishForm(BaseForm):
    submit = SubmitField(_l("Publier le projet"))


class ReturnForm(BaseForm):
    reason = TrimmedTextAreaField(
        _l("Ce que l’équipe doit changer"),
        validators=[DataRequired(message=_l("Dites à l’équipe ce qu’elle doit changer.")),
                    max_length(2000)])
    submit = SubmitField(_l("Renvoyer à l’équipe"))


class QuestionForm(BaseForm):
    body = TrimmedTextAreaField(
        _l("Votre question"),
        validators=[DataRequired(message=_l("Écrivez votre question.")), max_length(1500)])
    submit = SubmitField(_l("Envoyer ma question"))


class AnswerForm(BaseForm):
    answer = TrimmedTextAreaField(
        _l("Votre réponse"),
        validators=[DataRequired(message=_l("Écrivez votre réponse.")), max_length(3000)])
    submit = SubmitField(_l("Envoyer la réponse"))


class ClarityForm(BaseForm):
    score = RadioField(
        _l("Ce résumé était-il clair pour vous ?"),
        choices=[("5", _l("5 — très clair")), ("4", _l("4 — plutôt clair")),
                 ("3", _l("3 — moyennement clair")), ("2", _l("2 — peu clair")),
                 ("1", _l("1 — pas clair du tout"))],
        validators=[InputRequired(message=_l("Choisissez une note de 1 à 5."))])
    unclear = TrimmedTextAreaField(_l("Qu’est-ce qui n’était pas clair ?"),
                                   validators=[Optional(), max_length(1000)])
    submit = SubmitField(_l("Donner mon avis"))


#: Which list a new term or word joins: « reseau » (this network's own) or « national »
#: (the administration's choice; others add to their network's, without the field).
LIST_CHOICES = [("reseau", ""), ("national", "")]


class GlossaryTermForm(BaseForm):
    scope = RadioField(_l("Dans quel glossaire ?"), choices=LIST_CHOICES, default="reseau")
    term = TrimmedStringField(
        _l("Terme"),
        validators=[DataRequired(message=_l("Écrivez le terme, par exemple « essai "
                                            "clinique ».")), max_length(120)])
    definition = TrimmedTextAreaField(
        _l("Définition en mots simples"),
        validators=[DataRequired(message=_l("Écrivez une définition courte et simple.")),
                    max_length(1000)])
    submit = SubmitField(_l("Enregistrer le terme"))


class PlainWordForm(BaseForm):
    scope = RadioField(_l("Dans quelle liste ?"), choices=LIST_CHOICES, default="reseau")
    word = TrimmedStringField(
        _l("Mot ou expression difficile"),
        validators=[DataRequired(message=_l("Écrivez le mot difficile, par exemple "
                                            "« ancillaire ».")),
                    max_length(120)])
    alternatives = TrimmedTextAreaField(
        _l("Mots simples à proposer, un par ligne"),
        validators=[DataRequired(message=_l("Donnez au moins un mot simple, par exemple "
                                            "« complémentaire ».")),
                    max_length(1000)])
    submit = SubmitField(_l("Enregistrer"))


class DeleteForm(BaseForm):
    submit = SubmitField(_l("Supprimer"))


class SearchForm(BaseForm):
    class Meta:
        csrf = False

    q = TrimmedStringField(_l("Mots recherchés"), validators=[Optional(), Length(max=200)])
    cancer = SelectField(_l("Type de cancer"),
                         choices=[("", _l("Tous")), *list(CANCER_TYPES.items())],
                         validate_choice=False)
    theme = SelectField(_l("Thème"), choices=[("", _l("Tous")), *list(THEMES.items())],
                        validate_choice=False)
    status = SelectField(_l("Avancement"),
                         choices=[("", _l("Tous")), *list(ResearchStatus.LABELS.items())],
                         validate_choice=False)
    sort = SelectField(_l("Trier par"), choices=list(SORTS.items()), validate_choice=False)
    page = IntegerField(validators=[Optional()])

    FILTERS = ("cancer", "theme", "status", "sort")

    def filters_key(self) -> tuple | None:
        """The filters' chosen values when each is one of its choices (or none): all
        their HTML depends on, so it is made once per language and choice
        (core.fragments); None for anything else, never kept."""
        values = []
        for name in self.FILTERS:
            field = self[name]
            if field.data is not None and field.data not in dict(field.choices):
                return None
            values.append(field.data)
        return tuple(values)


class FalcPanelForm(BaseForm):
    name = TrimmedStringField(
        _l("Nom du groupe de relecture"),
        validators=[DataRequired(message=_l("Donnez le nom du groupe, par exemple « Atelier "
                                            "FALC de l’ESAT Les Ateliers du Rhône ».")),
                    max_length(200)])
    submit = SubmitField(_l("Créer le groupe"))


class FalcReaderForm(BaseForm):
    panel = SelectField(_l("Groupe"), coerce=int,
                        validators=[DataRequired(message=_l("Choisissez le groupe."))])
    name = TrimmedStringField(
        _l("Prénom du lecteur ou de la lectrice"),
        validators=[DataRequired(message=_l("Écrivez un prénom, par exemple « Julie ».")),
                    max_length(120)])
    submit = SubmitField(_l("Inviter"))


UNDERSTOOD = [("oui", _l("J’ai compris")), ("non", _l("Je n’ai pas compris"))]


def falc_reading_form(count: int):
    """One « j'ai compris / je n'ai pas compris » and one comment per paragraph."""

    class FalcReadingForm(BaseForm):
        submit = SubmitField(_l("J’ai fini"))

    for number in range(1, count + 1):
        setattr(FalcReadingForm, f"paragraph_{number}", RadioField(
            _l("Partie %(num)s", num=number), choices=UNDERSTOOD, validators=[Optional()]))
        setattr(FalcReadingForm, f"comment_{number}", TrimmedTextAreaField(
            _l("Ce qui est difficile, si vous voulez le dire"),
            validators=[Optional(), max_length(1000)]))
    return FalcReadingForm()


# --- Following a funded project ------------------------------------------------------


class FollowForm(BaseForm):
    follow = SubmitField(_l("Suivre ce projet"))
    unfollow = SubmitField(_l("Ne plus suivre ce projet"))


class MilestoneForm(BaseForm):
    label = TrimmedStringField(
        _l("L’étape"),
        validators=[DataRequired(message=_l("Écrivez l’étape en quelques mots.")),
                    max_length(200)])
    planned_on = DateField(_l("Date prévue"), validators=[Optional()],
                           render_kw={"autocomplete": "off"})
    reached_on = DateField(_l("Date où elle a été atteinte"), validators=[Optional()],
                           render_kw={"autocomplete": "off"})
    submit = SubmitField(_l("Ajouter l’étape"))


class ReachedForm(BaseForm):
    reached_on = DateField(_l("Atteinte le"),
                           validators=[InputRequired(message=_l("Donnez la date."))],
                           render_kw={"autocomplete": "off"})
    submit = SubmitField(_l("Étape atteinte"))


class UpdateForm(BaseForm):
    body = TrimmedTextAreaField(
        _l("La nouvelle"),
        validators=[DataRequired(message=_l("Écrivez la nouvelle.")), max_length(1000)])
    milestone = SelectField(_l("Cette nouvelle annonce une étape atteinte (facultatif)"),
                            choices=[], validate_choice=True)
    submit = SubmitField(_l("Publier la nouvelle"))
    check = SubmitField(_l("Vérifier la lisibilité"))


class EditUpdateForm(BaseForm):
    """Rewrite a piece of news already written (one form per news, with its prefix)."""

    body = TrimmedTextAreaField(
        _l("La nouvelle"),
        validators=[DataRequired(message=_l("Écrivez la nouvelle.")), max_length(1000)])
    submit = SubmitField(_l("Enregistrer la nouvelle"))


class ResultsForm(BaseForm):
    searched = TrimmedTextAreaField(_l("Ce que nous avons cherché"),
                                    validators=[Optional(), max_length(SUMMARY_MAX)])
    found = TrimmedTextAreaField(_l("Ce que nous avons trouvé"),
                                 validators=[Optional(), max_length(SUMMARY_MAX)])
    means = TrimmedTextAreaField(_l("Ce que cela veut dire pour les patients"),
                                 validators=[Optional(), max_length(SUMMARY_MAX)])
    next_steps = TrimmedTextAreaField(_l("Et maintenant ?"),
                                      validators=[Optional(), max_length(SUMMARY_MAX)])
    falc_text = TrimmedTextAreaField(_l("Version « Facile à lire et à comprendre » (FALC)"),
                                     validators=[Optional(), max_length(SUMMARY_MAX)])
    save = SubmitField(_l("Enregistrer et envoyer"))
    check = SubmitField(_l("Vérifier la lisibilité"))
