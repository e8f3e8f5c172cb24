from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SubmitField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from patientlab.auth.services import Profile
from patientlab.core import notifications
from patientlab.core.forms import (
    BaseForm,
    ConsentField,
    MultiCheckboxField,
    PasswordPolicy,
    TrimmedStringField,
    TrimmedTextAreaField,
    email_validators,
    max_length,
)
from patientlab.core.security import ROLE_LABELS, Role
from patientlab.networks.services import NETWORK_ROLES


def _required(message):
    return DataRequired(message=message)


def _coerce_optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class AssociationChoiceMixin:
    def set_association_choices(self, associations):
        self.association.choices = [("", _l("Aucune"))] + [
            (str(a.id), a.name) for a in associations
        ]


class RegisterForm(BaseForm, AssociationChoiceMixin):
    name = TrimmedStringField(
        _l("Nom et prénom"),
        validators=[_required(_l("Saisissez votre nom et votre prénom.")),
                    Length(max=120, message=_l("120 caractères au plus."))],
    )
    pseudonym = TrimmedStringField(
        _l("Pseudonyme affiché publiquement"),
        validators=[Optional(), Length(max=60, message=_l("60 caractères au plus."))],
    )
    email = TrimmedStringField(
        _l("Adresse e-mail"),
        validators=[_required(_l("Saisissez votre adresse e-mail, par exemple "
                                 "prenom.nom@exemple.fr.")), *email_validators()],
    )
    password = PasswordField(
        _l("Mot de passe"),
        validators=[_required(_l("Choisissez un mot de passe.")), PasswordPolicy()],
    )
    profile = RadioField(
        _l("Vous venez sur PatientLab…"),
        choices=[
            (Profile.PATIENT_EXPERT, _l("en tant que patiente, patient ou proche, pour devenir "
                                        "patiente experte ou patient expert")),
            (Profile.ASSOCIATION_REP, _l("au nom d’une association de patients")),
            (Profile.RESEARCHER, _l("en tant que chercheuse ou chercheur")),
            (Profile.CITIZEN, _l("pour suivre les projets et venir aux soirées « Parle-Moi »")),
        ],
        validators=[InputRequired(message=_l("Choisissez pourquoi vous venez sur PatientLab."))],
    )
    association = SelectField(
        _l("Votre association"), coerce=_coerce_optional_int, validate_choice=True,
    )
    motivation = TrimmedTextAreaField(
        _l("Quelques mots sur votre parcours et vos motivations"),
        validators=[Optional(), Length(max=2000, message=_l("2 000 caractères au plus."))],
    )
    charter = ConsentField(_l("J’ai lu la charte de participation et je m’engage à la "
                              "respecter"))
    submit = SubmitField(_l("Créer mon compte"))

    def validate_association(self, field):
        if self.profile.data == Profile.ASSOCIATION_REP and not field.data:
            raise ValidationError(_l("Choisissez l’association que vous représentez."))

    def ask_password_again(self) -> None:
        """The form comes back with an error: the password is never written back into the
        page (nor kept), so say so next to it and in the error summary, up front, rather
        than let a second submission fail on the empty field (as GOV.UK does)."""
        if self.password.errors or not (self.form_errors or any(f.errors for f in self)):
            return
        self.password.errors = [_l("Pour votre sécurité, saisissez de nouveau votre mot de "
                                   "passe.")]

    def validate_charter(self, field):
        if self.profile.data == Profile.PATIENT_EXPERT and not field.data:
            raise ValidationError(_l("Cochez la case pour accepter la charte de participation : "
                                     "elle est nécessaire pour devenir patiente experte ou "
                                     "patient expert."))


class LoginForm(BaseForm):
    email = TrimmedStringField(
        _l("Adresse e-mail"),
        validators=[_required(_l("Saisissez votre adresse e-mail."))],
    )
    password = PasswordField(
        _l("Mot de passe"), validators=[_required(_l("Saisissez votre mot de passe."))]
    )
    next = HiddenField()
    submit = SubmitField(_l("Me connecter"))


class ForgotPasswordForm(BaseForm):
    email = TrimmedStringField(
        _l("Adresse e-mail de votre compte"),
        validators=[_required(_l("Saisissez votre adresse e-mail, par exemple "
                                 "prenom.nom@exemple.fr.")), *email_validators()],
    )
    submit = SubmitField(_l("Recevoir un lien"))


class ResetPasswordForm(BaseForm):
    password = PasswordField(
        _l("Nouveau mot de passe"),
        validators=[_required(_l("Choisissez un mot de passe.")), PasswordPolicy()],
    )
    submit = SubmitField(_l("Enregistrer le mot de passe"))


class ProfileForm(BaseForm, AssociationChoiceMixin):
    name = TrimmedStringField(
        _l("Nom et prénom"),
        validators=[_required(_l("Saisissez votre nom et votre prénom.")),
                    Length(max=120, message=_l("120 caractères au plus."))],
    )
    pseudonym = TrimmedStringField(
        _l("Pseudonyme affiché publiquement"),
        validators=[Optional(), Length(max=60, message=_l("60 caractères au plus."))],
    )
    association = SelectField(
        _l("Association"), coerce=_coerce_optional_int, validators=[Optional()]
    )
    bio = TrimmedTextAreaField(
        _l("Présentation courte"),
        validators=[Optional(), Length(max=1000, message=_l("1 000 caractères au plus."))],
    )
    submit = SubmitField(_l("Enregistrer mon profil"))


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Mot de passe actuel"),
        validators=[_required(_l("Saisissez votre mot de passe actuel."))],
    )
    password = PasswordField(
        _l("Nouveau mot de passe"),
        validators=[_required(_l("Choisissez un nouveau mot de passe.")), PasswordPolicy()],
    )
    submit = SubmitField(_l("Changer mon mot de passe"))


class ChangeEmailForm(BaseForm):
    email = TrimmedStringField(
        _l("Nouvelle adresse e-mail"),
        validators=[_required(_l("Saisissez la nouvelle adresse, par exemple "
                                 "prenom.nom@exemple.fr.")), *email_validators()],
    )
    current_password = PasswordField(
        _l("Mot de passe actuel"),
        validators=[_required(_l("Saisissez votre mot de passe actuel."))],
    )
    submit = SubmitField(_l("Changer mon adresse"))


class RoleRequestForm(BaseForm):
    role = RadioField(
        _l("Rôle demandé"),
        choices=[(Role.PATIENT_EXPERT, _l("Patiente experte ou patient expert")),
                 (Role.ASSOCIATION_REP, _l("Représentante ou représentant d’association"))],
        validators=[InputRequired(message=_l("Choisissez le rôle que vous demandez."))],
    )
    motivation = TrimmedTextAreaField(
        _l("Quelques mots sur votre parcours et vos motivations"),
        validators=[Optional(), Length(max=2000, message=_l("2 000 caractères au plus."))],
    )
    charter = ConsentField(_l("J’ai lu la charte de participation et je m’engage à la "
                              "respecter"))
    submit = SubmitField(_l("Envoyer ma demande"))

    def validate_charter(self, field):
        if self.role.data == Role.PATIENT_EXPERT and not field.data:
            raise ValidationError(_l("Cochez la case pour accepter la charte de participation : "
                                     "elle est nécessaire pour devenir patiente experte ou "
                                     "patient expert."))


class PreferencesForm(BaseForm):
    text_size = RadioField(
        _l("Taille du texte"),
        choices=[("100", _l("Normale (100 %)")), ("125", _l("Grande (125 %)")),
                 ("150", _l("Très grande (150 %)")), ("200", _l("Immense (200 %)"))],
        default="100",
        validators=[InputRequired(message=_l("Choisissez une taille de texte."))],
    )
    high_contrast = BooleanField(_l("Contraste renforcé"))
    dyslexia_font = BooleanField(_l("Police adaptée à la dyslexie (OpenDyslexic)"))
    wide_spacing = BooleanField(_l("Espacement plus grand entre les lignes, les lettres et "
                                   "les mots"))
    reduced_motion = BooleanField(_l("Réduire les animations"))
    submit = SubmitField(_l("Enregistrer mes préférences"))


class LanguageForm(BaseForm):
    lang = RadioField(choices=[("fr", "Français"), ("en", "English")],
                      validators=[InputRequired()])
    next = HiddenField()


class LogoutForm(BaseForm):
    pass


class AcceptCharterForm(BaseForm):
    charter = ConsentField(_l("J’ai lu la nouvelle version de la charte et je m’engage à la "
                              "respecter"))
    submit = SubmitField(_l("Accepter et continuer"))

    def validate_charter(self, field):
        if not field.data:
            raise ValidationError(_l("Cochez la case pour accepter la charte : elle est "
                                     "nécessaire pour continuer à relire des projets."))


class PublishCharterForm(BaseForm):
    version = TrimmedStringField(
        _l("Numéro de version"),
        validators=[DataRequired(message=_l("Donnez un numéro de version, par exemple "
                                            "« 2027-1 ».")),
                    Length(max=20, message=_l("20 caractères au plus."))])
    summary = TrimmedTextAreaField(
        _l("Ce qui change, en quelques phrases"),
        validators=[DataRequired(message=_l("Expliquez ce qui change : c’est ce que les "
                                            "relecteurs liront d’abord.")),
                    Length(max=2000, message=_l("2 000 caractères au plus."))])
    body = TrimmedTextAreaField(
        _l("Texte complet de la charte"),
        validators=[DataRequired(message=_l("Collez le texte complet de la charte : c’est ce "
                                            "que les relecteurs liront et accepteront.")),
                    Length(max=20000, message=_l("20 000 caractères au plus."))])
    summary_en = TrimmedTextAreaField(
        _l("Ce qui change, en anglais"),
        validators=[DataRequired(message=_l("Expliquez ce qui change, en anglais.")),
                    Length(max=2000, message=_l("2 000 caractères au plus."))])
    body_en = TrimmedTextAreaField(
        _l("Texte complet de la charte, en anglais"),
        validators=[DataRequired(message=_l("Collez le texte complet de la charte en "
                                            "anglais.")),
                    Length(max=20000, message=_l("20 000 caractères au plus."))])
    submit = SubmitField(_l("Publier cette version"))


class EraseAccountForm(BaseForm):
    password = PasswordField(
        _l("Votre mot de passe"),
        validators=[DataRequired(message=_l("Saisissez votre mot de passe pour confirmer."))])
    confirm = ConsentField(_l("Je comprends que mon compte sera supprimé définitivement"))
    submit = SubmitField(_l("Supprimer mon compte"))

    def validate_confirm(self, field):
        if not field.data:
            raise ValidationError(_l("Cochez la case pour confirmer la suppression."))


class _CodeForm(BaseForm):
    code = TrimmedStringField(
        _l("Code à 6 chiffres"),
        validators=[_required(_l("Tapez le code à 6 chiffres affiché par votre application.")),
                    Length(max=40, message=_l("40 caractères au plus."))],
    )


class LoginCodeForm(_CodeForm):
    submit = SubmitField(_l("Valider le code"))


class TwoStepSetupForm(_CodeForm):
    password = PasswordField(
        _l("Votre mot de passe"),
        validators=[_required(_l("Saisissez votre mot de passe pour confirmer."))],
    )
    submit = SubmitField(_l("Activer la double authentification"))


class _PasswordConfirmForm(BaseForm):
    password = PasswordField(
        _l("Votre mot de passe"),
        validators=[_required(_l("Saisissez votre mot de passe pour confirmer."))],
    )


class NewRecoveryCodesForm(_PasswordConfirmForm):
    submit = SubmitField(_l("Créer de nouveaux codes de secours"))


class TurnOffTwoStepForm(_PasswordConfirmForm):
    submit = SubmitField(_l("Désactiver la double authentification"))


class SuspendForm(BaseForm):
    reason = TrimmedTextAreaField(
        _l("Raison de la suspension"),
        validators=[DataRequired(message=_l("Expliquez la raison : elle sera envoyée à la "
                                            "personne.")), max_length(2000)])
    until = DateField(_l("Suspendu jusqu’au (inclus)"), validators=[InputRequired(
        message=_l("Indiquez une date, par exemple %(example)s.", example="31/12/2026"))])
    submit = SubmitField(_l("Suspendre le compte"))


class LiftForm(BaseForm):
    submit = SubmitField(_l("Lever la suspension"))


def notifications_form(user, settings: dict[str, str], follows: dict[str, list[str]], *,
                       blank: bool):
    """One choice per kind of message (core.notifications) and one group of boxes per
    subject one can follow; ``blank``: filled from the person's settings."""
    class NotificationsForm(BaseForm):
        submit = SubmitField(_l("Enregistrer mes choix"))

    choices = list(notifications.FREQUENCIES.items())
    for kind in notifications.kinds(user):
        setattr(NotificationsForm, f"kind_{kind.key}", RadioField(
            kind.label, choices=choices, default=kind.default,
            validators=[InputRequired(message=_l("Choisissez quand recevoir ces messages."))]))
    for topic in notifications.topics():
        setattr(NotificationsForm, f"follow_{topic.key}", MultiCheckboxField(
            topic.label, choices=topic.choices(), validate_choice=True))
    listed: dict[str, list[str]] = {}
    for followed in notifications.followed_kinds():
        choices = followed.describe(follows.get(followed.key, []))
        if choices:
            listed[followed.key] = [value for value, _title in choices]
            setattr(NotificationsForm, f"followed_{followed.key}", MultiCheckboxField(
                followed.label, choices=choices, validate_choice=True))
    form = NotificationsForm(formdata=None) if blank else NotificationsForm()
    if blank and not form.restored:
        for kind, frequency in settings.items():
            getattr(form, f"kind_{kind}").data = frequency
        for topic, values in follows.items():
            field = getattr(form, f"follow_{topic}", None)
            if field is not None:
                field.data = values
        for key, values in listed.items():
            getattr(form, f"followed_{key}").data = values
    return form


class NetworkRoleForm(BaseForm):
    """Give a role of a network to an existing account, named by its e-mail address."""

    email = TrimmedStringField(
        _l("Adresse e-mail de la personne"),
        validators=[DataRequired(message=_l("Donnez l’adresse e-mail de son compte, par "
                                            "exemple prenom.nom@exemple.fr.")),
                    *email_validators()])
    role = RadioField(_l("Rôle"), choices=[
        (role, ROLE_LABELS[role]) for role in NETWORK_ROLES],
        validators=[InputRequired(message=_l("Choisissez un rôle."))])
    submit = SubmitField(_l("Donner le rôle"))


class WithdrawRoleForm(BaseForm):
    """Withdraw a role: the first sending shows what will happen, the second does it."""

    user_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    role = HiddenField(validators=[InputRequired(), AnyOf(NETWORK_ROLES)])
    confirmed = HiddenField()
    submit = SubmitField(_l("Retirer"))


class ReviewerNetworksForm(BaseForm):
    networks = MultiCheckboxField(_l("Les réseaux qui peuvent vous inviter à relire"),
                                  coerce=int)
    submit = SubmitField(_l("Enregistrer mes choix"))
