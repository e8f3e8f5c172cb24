from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SubmitField
from wtforms.validators import DataRequired, InputRequired

from patientlab.core.forms import (
    BaseForm,
    ConsentField,
    MultiCheckboxField,
    TrimmedStringField,
    TrimmedTextAreaField,
    max_length,
)
from patientlab.core.security import ROLE_LABELS
from patientlab.networks.services import NETWORK_ROLES

#: The roles a person holds across the platform; those of a network are given on the
#: network's page (admin.network) or by its coordinators.
NATIONAL_ROLES = [(role, label) for role, label in ROLE_LABELS.items()
                  if role not in NETWORK_ROLES]


class RolesForm(BaseForm):
    roles = MultiCheckboxField(_l("Rôles sur toute la plateforme"), choices=NATIONAL_ROLES)
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
    networks = MultiCheckboxField(_l("Réseaux de l’association"), coerce=int)
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


def _optional_email():
    from wtforms.validators import Optional

    from patientlab.core.forms import email_validators

    return [Optional(), *email_validators()]


class NetworkForm(BaseForm):
    """A network's settings (the rules on slug, colour, name and host are the service's)."""

    name = TrimmedStringField(
        _l("Nom du réseau"),
        validators=[DataRequired(message=_l("Donnez le nom complet, par exemple « Cancéropôle "
                                            "Provence-Alpes-Côte d’Azur ».")), max_length(200)])
    short_name = TrimmedStringField(
        _l("Nom court"),
        validators=[DataRequired(message=_l("Donnez le nom court, par exemple « PACA ».")),
                    max_length(40)])
    slug = TrimmedStringField(
        _l("Début des adresses des pages du réseau"),
        validators=[DataRequired(message=_l("Donnez le début des adresses, par exemple "
                                            "« paca »."))])
    region = TrimmedStringField(_l("Région"), validators=[max_length(120)])
    contact_email = TrimmedStringField(
        _l("Adresse e-mail de contact"),
        validators=[DataRequired(message=_l("Donnez l’adresse à laquelle les personnes "
                                            "écrivent au réseau, par exemple "
                                            "contact@canceropole-paca.fr.")),
                    *_optional_email()[1:]])
    controller = TrimmedStringField(
        _l("Responsable du traitement des données"),
        validators=[DataRequired(message=_l("Nommez la structure juridique responsable des "
                                            "données, par exemple « GIP Cancéropôle PACA ».")),
                    max_length(300)])
    colour = TrimmedStringField(
        _l("Couleur du réseau"),
        validators=[DataRequired(message=_l("Donnez une couleur en hexadécimal, par exemple "
                                            "#1d4f91."))])
    mail_sender_name = TrimmedStringField(_l("Nom de l’expéditeur des e-mails"),
                                          validators=[max_length(120)])
    mail_sender_address = TrimmedStringField(_l("Adresse de l’expéditeur des e-mails"),
                                             validators=_optional_email())
    signature = TrimmedTextAreaField(_l("Signature des e-mails"), validators=[max_length(1000)])
    privacy_notice = TrimmedTextAreaField(_l("Informations sur les données personnelles"),
                                          validators=[max_length(20000)])
    legal_notice = TrimmedTextAreaField(_l("Mentions légales"), validators=[max_length(20000)])
    host = TrimmedStringField(_l("Nom de domaine propre"), validators=[max_length(253)])
    submit = SubmitField(_l("Enregistrer le réseau"))


class DeleteNetworkForm(BaseForm):
    confirm = ConsentField(_l("Je confirme la suppression de ce réseau"),
                           validators=[DataRequired(message=_l(
                               "Cochez la case pour confirmer la suppression."))])
    submit = SubmitField(_l("Supprimer le réseau"))

