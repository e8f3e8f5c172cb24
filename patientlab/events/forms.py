from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SubmitField,
    TimeField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from patientlab.core.forms import (
    ConsentField,
    MultiCheckboxField,
    TrimmedStringField,
    TrimmedTextAreaField,
    email_validators,
    max_length,
)

from .models import ACCOMMODATIONS, EVENT_THEMES, EventFormat

# One registration holds 1 to 4 seats (a person and up to three people with them).
SEAT_CHOICES = [(1, _l("1 place")), (2, _l("2 places")), (3, _l("3 places")),
                (4, _l("4 places"))]


class RegistrationForm(FlaskForm):
    name = TrimmedStringField(
        _l("Nom et prénom"),
        validators=[DataRequired(message=_l("Saisissez votre nom et votre prénom.")),
                    max_length(120)])
    email = TrimmedStringField(
        _l("Adresse e-mail"),
        validators=[DataRequired(message=_l("Saisissez votre adresse e-mail, par exemple "
                                            "prenom.nom@exemple.fr.")), *email_validators()])
    seats = SelectField(
        _l("Nombre de places"), coerce=int, default=1,
        choices=SEAT_CHOICES,
        validators=[InputRequired(message=_l("Choisissez entre 1 et 4 places."))])
    needs = MultiCheckboxField(_l("Ce dont vous avez besoin pour venir"),
                               choices=list(ACCOMMODATIONS.items()))
    needs_other = TrimmedTextAreaField(_l("Autre besoin"), validators=[Optional(), max_length(500)])
    needs_consent = ConsentField(_l("J’accepte que ces besoins soient transmis aux seuls "
                                    "organisateurs de la soirée, puis effacés après la soirée"))
    privacy_consent = ConsentField(
        _l("J’accepte que mon nom et mon adresse e-mail servent à gérer mon inscription"),
        validators=[DataRequired(message=_l("Cochez la case pour accepter l’utilisation de vos "
                                            "données."))])
    submit = SubmitField(_l("M’inscrire"))

    def validate_needs_consent(self, field):
        """Checked with the other fields, so that every error shows in the first round."""
        if (self.needs.data or (self.needs_other.data or "").strip()) and not field.data:
            raise ValidationError(_l("Pour que nous puissions organiser l’aménagement, cochez "
                                     "la case d’accord, ou retirez les besoins indiqués."))


class CancelRegistrationForm(FlaskForm):
    submit = SubmitField(_l("Oui, annuler mon inscription"))


class EventForm(FlaskForm):
    title = TrimmedStringField(
        _l("Titre de la soirée"),
        validators=[DataRequired(message=_l("Donnez un titre à la soirée.")), max_length(200)])
    theme = SelectField(_l("Thème"), choices=list(EVENT_THEMES.items()))
    description = TrimmedTextAreaField(_l("Présentation"),
                                       validators=[Optional(), max_length(4000)])
    speakers = TrimmedTextAreaField(_l("Intervenants"), validators=[Optional(), max_length(2000)])
    programme = TrimmedTextAreaField(_l("Programme"), validators=[Optional(), max_length(2000)])
    date = DateField(_l("Date"), validators=[InputRequired(
        message=_l("Indiquez la date, par exemple 12/03/2027."))])
    start_time = TimeField(_l("Heure de début"), validators=[InputRequired(
        message=_l("Indiquez l’heure de début, par exemple 18:30."))])
    end_time = TimeField(_l("Heure de fin"), validators=[InputRequired(
        message=_l("Indiquez l’heure de fin, par exemple 20:30."))])
    format = RadioField(_l("Format"), choices=list(EventFormat.LABELS.items()),
                        default=EventFormat.ONSITE,
                        validators=[InputRequired(message=_l("Choisissez le format."))])
    venue_name = TrimmedStringField(_l("Lieu"), validators=[Optional(), max_length(200)])
    address = TrimmedStringField(_l("Adresse"), validators=[Optional(), max_length(300)])
    online_info = TrimmedTextAreaField(_l("Comment suivre la soirée en ligne"),
                                       validators=[Optional(), max_length(1000)])
    join_url = TrimmedStringField(
        _l("Lien privé pour rejoindre la soirée en ligne"),
        validators=[Optional(), max_length(500), URL(require_tld=False, message=_l(
            "Saisissez une adresse web complète, par exemple https://visio.exemple.fr/soiree."))])
    dial_in = TrimmedStringField(_l("Numéro pour suivre par téléphone"),
                                 validators=[Optional(), max_length(200)])
    replay_url = TrimmedStringField(
        _l("Lien du replay, après la soirée"),
        validators=[Optional(), max_length(500), URL(require_tld=False, message=_l(
            "Saisissez une adresse web complète, par exemple https://video.exemple.fr/replay."))])
    step_free = BooleanField(_l("Accès sans marche"))
    hearing_loop = BooleanField(_l("Boucle magnétique"))
    sign_language = BooleanField(_l("Interprète en langue des signes (LSF)"))
    live_captions = BooleanField(_l("Sous-titrage en direct"))
    quiet_room = BooleanField(_l("Salle calme"))
    transport = TrimmedTextAreaField(_l("Transports accessibles les plus proches"),
                                     validators=[Optional(), max_length(1000)])
    capacity = IntegerField(
        _l("Nombre de places"),
        validators=[InputRequired(message=_l("Indiquez le nombre de places, par exemple 80.")),
                    NumberRange(min=0, max=5000, message=_l("Entre 0 et 5 000 places."))])
    opens_on = DateField(_l("Ouverture des inscriptions"), validators=[Optional()])
    closes_on = DateField(_l("Clôture des inscriptions"), validators=[Optional()])
    submit = SubmitField(_l("Enregistrer la soirée"))


class CancelEventForm(FlaskForm):
    reason = TrimmedTextAreaField(
        _l("Raison de l’annulation"),
        validators=[DataRequired(message=_l("Expliquez en une phrase pourquoi la soirée est "
                                            "annulée.")), max_length(1000)])
    submit = SubmitField(_l("Annuler la soirée et prévenir les inscrits"))


class PublicationForm(FlaskForm):
    publish = SubmitField(_l("Publier la soirée"))
    unpublish = SubmitField(_l("Repasser en brouillon"))


class MessageForm(FlaskForm):
    """A message from the organiser to the people registered for one evening."""

    audiences = MultiCheckboxField(
        _l("À qui écrire"),
        choices=[("confirmed", _l("Les personnes confirmées")),
                 ("waiting", _l("Les personnes sur la liste d’attente"))],
        default=["confirmed"],
        validators=[DataRequired(message=_l("Choisissez à qui écrire : les personnes "
                                            "confirmées, la liste d’attente, ou les deux."))])
    subject = TrimmedStringField(
        _l("Objet"),
        validators=[DataRequired(message=_l("Écrivez l’objet, par exemple « Changement de "
                                            "salle ».")), max_length(150)])
    body = TrimmedTextAreaField(
        _l("Message"),
        validators=[DataRequired(message=_l("Écrivez le message.")), max_length(3000)])
    submit = SubmitField(_l("Envoyer le message"))


class SeatsForm(FlaskForm):
    seats = SelectField(
        _l("Nombre de places"), coerce=int,
        choices=SEAT_CHOICES,
        validators=[InputRequired(message=_l("Choisissez entre 1 et 4 places."))])
    submit = SubmitField(_l("Changer le nombre de places"))


class ResendLinkForm(FlaskForm):
    submit = SubmitField(_l("Renvoyer son lien par e-mail"))


class OrganiserCancelForm(FlaskForm):
    confirm = ConsentField(
        _l("Je confirme : la personne m’a demandé d’annuler"),
        validators=[DataRequired(message=_l("Cochez la case pour confirmer l’annulation."))])
    submit = SubmitField(_l("Annuler cette inscription"))


class CheckInForm(FlaskForm):
    submit = SubmitField(_l("Pointer"))
