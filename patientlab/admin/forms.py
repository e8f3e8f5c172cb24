from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SubmitField
from wtforms.validators import DataRequired, InputRequired

from patientlab.core.forms import (
    BaseForm,
    MultiCheckboxField,
    TrimmedStringField,
    TrimmedTextAreaField,
    max_length,
)
from patientlab.core.security import ROLE_LABELS


class RolesForm(BaseForm):
    roles = MultiCheckboxField(_l("Rôles"), choices=list(ROLE_LABELS.items()))
    submit = SubmitField(_l("Enregistrer les rôles"))


class ResetTwoStepForm(BaseForm):
    reason = TrimmedTextAreaField(
        _l("Comment avez-vous vérifié que c’est bien cette personne qui le demande ?"),
        validators=[DataRequired(message=_l("Dites comment vous avez vérifié son identité, "
                                            "par exemple « rappelée au numéro connu de la "
                                            "coordination ».")),
                    max_length(1000)])
    submit = SubmitField(_l("Réinitialiser la double authentification"))


class AssociationForm(BaseForm):
    name = TrimmedStringField(
        _l("Nom de l’association"),
        validators=[DataRequired(message=_l("Donnez le nom, par exemple « Ligue contre le "
                                            "cancer — Comité du Rhône ».")), max_length(200)])
    website = TrimmedStringField(_l("Site web"), validators=[max_length(300)])
    description = TrimmedTextAreaField(_l("Présentation"), validators=[max_length(2000)])
    submit = SubmitField(_l("Enregistrer l’association"))


def settings_form(definitions, values, *, blank: bool):
    """One whole-number field per setting, with its limits."""
    from wtforms.validators import NumberRange

    class SettingsForm(BaseForm):
        submit = SubmitField(_l("Enregistrer les réglages"))

    for name, definition in definitions.items():
        setattr(SettingsForm, name, IntegerField(definition.label, validators=[
            InputRequired(message=_l("Indiquez un nombre entier.")),
            NumberRange(min=definition.minimum, max=definition.maximum,
                        message=_l("Entre %(min)s et %(max)s.", min=definition.minimum,
                                   max=definition.maximum))]))
    form = SettingsForm(formdata=None, data=values) if blank else SettingsForm()
    return form


class NewsForm(BaseForm):
    subject = TrimmedStringField(
        _l("Titre du message"),
        validators=[DataRequired(message=_l("Donnez un titre, par exemple « Les soirées "
                                            "Parle-Moi reprennent en janvier ».")),
                    max_length(150)])
    body = TrimmedTextAreaField(
        _l("Texte du message"),
        validators=[DataRequired(message=_l("Écrivez le message, en quelques phrases "
                                            "simples.")), max_length(4000)])
    submit = SubmitField(_l("Envoyer à toutes les personnes inscrites"))
