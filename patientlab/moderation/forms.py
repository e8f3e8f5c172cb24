from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from patientlab.core.forms import (
    BaseForm,
    MultiCheckboxField,
    TrimmedTextAreaField,
    max_length,
)

from .models import REFUSAL_REASONS, REPORT_REASONS, AppealOutcome


class ModerationForm(BaseForm):
    decision = RadioField(
        _l("Décision"),
        choices=[("publish", _l("Publier")), ("refuse", _l("Refuser"))],
        validators=[InputRequired(message=_l("Choisissez une décision."))])
    reason = SelectField(_l("Raison"), default="",
                         choices=[("", _l("Choisir une raison")), *REFUSAL_REASONS.items()])
    note = TrimmedTextAreaField(
        _l("Message à l’auteur"),
        validators=[Optional(), Length(max=1000, message=_l("1 000 caractères au plus."))])
    # The state the moderator saw: a decision taken meanwhile by someone else wins.
    seen_state = HiddenField()
    submit = SubmitField(_l("Enregistrer la décision"))

    def validate_reason(self, field):
        if self.decision.data in ("refuse", "hide") and not field.data:
            raise ValidationError(_l("Choisissez la raison."))


class RevisionForm(BaseForm):
    decision = RadioField(
        _l("Décision"),
        choices=[("publish", _l("Publier la modification")),
                 ("refuse", _l("Refuser la modification (la version publiée reste en ligne)"))],
        validators=[InputRequired(message=_l("Choisissez une décision."))])
    reason = SelectField(_l("Raison du refus"), default="",
                         choices=[("", _l("Choisir une raison")), *REFUSAL_REASONS.items()])
    note = TrimmedTextAreaField(
        _l("Message à l’auteur"),
        validators=[Optional(), Length(max=1000, message=_l("1 000 caractères au plus."))])
    # The version the moderator read: a newer one by the author must be read first.
    seen_version = HiddenField()
    submit = SubmitField(_l("Enregistrer la décision"))

    def validate_reason(self, field):
        if self.decision.data == "refuse" and not field.data:
            raise ValidationError(_l("Choisissez la raison."))


class ReportForm(BaseForm):
    reason = RadioField(_l("Pourquoi signalez-vous ce contenu ?"),
                        choices=list(REPORT_REASONS.items()),
                        validators=[InputRequired(message=_l("Choisissez une raison."))])
    note = TrimmedTextAreaField(_l("Précisions"), validators=[Optional(), max_length(1000)])
    submit = SubmitField(_l("Envoyer le signalement"))


class AppealForm(BaseForm):
    text = TrimmedTextAreaField(
        _l("Pourquoi la décision devrait-elle changer ?"),
        validators=[DataRequired(message=_l("Expliquez en quelques phrases pourquoi la "
                                            "décision devrait changer.")), max_length(2000)])
    submit = SubmitField(_l("Envoyer mon recours"))


class AppealDecisionForm(BaseForm):
    outcome = RadioField(_l("Votre décision sur le recours"),
                         choices=list(AppealOutcome.LABELS.items()),
                         validators=[InputRequired(message=_l("Choisissez de maintenir ou "
                                                              "d’annuler la décision."))])
    reason = TrimmedTextAreaField(
        _l("Explication envoyée à l’auteur"),
        validators=[DataRequired(message=_l("Expliquez votre réponse : elle sera envoyée à "
                                            "l’auteur.")), max_length(2000)])
    submit = SubmitField(_l("Trancher le recours"))


class TrustForm(BaseForm):
    submit = SubmitField(_l("Changer la confiance"))


class EditTextForm(BaseForm):
    text = TrimmedTextAreaField(_l("Texte corrigé"), validators=[max_length(5000)])
    submit = SubmitField(_l("Enregistrer le texte corrigé"))


class BulkForm(BaseForm):
    # "kind-id" references; any may be sent: the service decides only items that exist
    # and still wait.
    items = MultiCheckboxField(_l("Contenus choisis"), validate_choice=False)
    decision = RadioField(_l("Décision pour les contenus cochés"),
                          choices=[("publish", _l("Publier")), ("refuse", _l("Refuser"))],
                          validators=[InputRequired(message=_l("Choisissez une décision."))])
    reason = SelectField(_l("Raison du refus"), default="",
                         choices=[("", _l("Choisir une raison")), *REFUSAL_REASONS.items()])
    submit = SubmitField(_l("Appliquer aux contenus cochés"))

    def validate_items(self, field):
        if not field.data:
            raise ValidationError(_l("Cochez au moins un contenu."))

    def validate_reason(self, field):
        if self.decision.data == "refuse" and not field.data:
            raise ValidationError(_l("Choisissez la raison."))
