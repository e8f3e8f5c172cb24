from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from patientlab.core.forms import TrimmedTextAreaField

from .models import REFUSAL_REASONS


class ModerationForm(FlaskForm):
    decision = RadioField(
        _l("Décision"),
        choices=[("publish", _l("Publier")), ("refuse", _l("Refuser"))],
        validators=[InputRequired(message=_l("Choisissez de publier ou de refuser."))])
    reason = SelectField(_l("Raison du refus"), default="",
                         choices=[("", _l("Choisir une raison")), *REFUSAL_REASONS.items()])
    note = TrimmedTextAreaField(
        _l("Message à l’auteur"),
        validators=[Optional(), Length(max=1000, message=_l("1 000 caractères au plus."))])
    submit = SubmitField(_l("Enregistrer la décision"))

    def validate_reason(self, field):
        if self.decision.data == "refuse" and not field.data:
            raise ValidationError(_l("Choisissez la raison du refus."))
