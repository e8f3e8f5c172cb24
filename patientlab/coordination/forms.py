from flask_babel import lazy_gettext as _l
from wtforms import SubmitField
from wtforms.validators import DataRequired, Length

from patientlab.core.forms import (
    BaseForm,
    TrimmedTextAreaField,
)


class ApproveForm(BaseForm):
    submit = SubmitField(_l("Valider la demande"))


class RefuseForm(BaseForm):
    reason = TrimmedTextAreaField(
        _l("Raison du refus"),
        validators=[DataRequired(message=_l("Expliquez la raison du refus : elle sera envoyée "
                                            "à la personne.")),
                    Length(max=2000, message=_l("2 000 caractères au plus."))],
    )
    submit = SubmitField(_l("Refuser la demande"))
