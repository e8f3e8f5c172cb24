import re

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
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
    Regexp,
    ValidationError,
)

from patientlab.core.forms import (
    BaseForm,
    ConsentField,
    MultiCheckboxField,
    TrimmedStringField,
    TrimmedTextAreaField,
    email_validators,
    max_length,
    wtforms_messages,
)
from patientlab.core.places import department_of

from .models import ACCOMMODATIONS, EVENT_THEMES, SATISFACTION_SCORES, EventFormat, needs_for

# One registration holds 1 to 4 seats (a person and up to three people with them).
SEAT_CHOICES = [(1, _l("1 place")), (2, _l("2 places")), (3, _l("3 places")),
                (4, _l("4 places"))]


_NOT_A_NAME = re.compile(
    r"://|www\.|@|\d{4}|\b[\w-]+\.(?:fr|com|org|net|eu|info|io|co|me|ly|app|site|link|xyz"
    r"|example)\b", re.IGNORECASE)


def _only_a_name(form, field):
    """A name, not a message: the name goes into the mail sent to the address typed, which
    nobody has proved yet; a web or mail address, or a phone number, would let anyone
    write their own words into a mail from us."""
    if field.data and _NOT_A_NAME.search(field.data):
        raise ValidationError(_l("Écrivez seulement un prénom et un nom, sans adresse web, "
                                 "adresse e-mail ni numéro."))


class CompanionForm(Form):
    """One person who comes with the registrant; every field optional."""

    name = TrimmedStringField(_l("Nom et prénom"),
                              validators=[Optional(), max_length(120), _only_a_name])
    needs = MultiCheckboxField(_l("Ce dont cette personne a besoin pour venir"),
                               choices=list(ACCOMMODATIONS.items()))
    needs_other = TrimmedTextAreaField(_l("Autre besoin"), validators=[Optional(), max_length(500)])

    class Meta:
        # A form inside the registration form: WTForms' own messages (« 'x' is not a
        # valid choice ») in the page's language, as on every form of the platform.
        def get_translations(self, form):
            return wtforms_messages()


def _typed(companion) -> bool:
    return bool((companion.name.data or "").strip() or companion.needs.data
                or (companion.needs_other.data or "").strip())


def _validate_needs_consent(form, field):
    """Checked with the other fields, so that every error shows in the first round."""
    companions_need = any(entry.form.needs.data or (entry.form.needs_other.data or "").strip()
                          for entry in form.companions)
    if ((form.needs.data or (form.needs_other.data or "").strip() or companions_need)
            and not field.data):
        raise ValidationError(_l("Pour que nous puissions organiser l’aménagement, cochez "
                                 "la case d’accord, ou retirez les besoins indiqués."))


def _validate_companions_fit(form, field):
    named = sum(_typed(entry.form) for entry in form.companions)
    if field.data is not None and named > field.data - 1:
        raise ValidationError(ngettext(
            "Vous avez indiqué %(num)s personne qui vient avec vous : choisissez au moins "
            "%(seats)s places, ou effacez son nom.",
            "Vous avez indiqué %(num)s personnes qui viennent avec vous : choisissez au moins "
            "%(seats)s places, ou effacez leurs noms.", named, seats=named + 1))


class RegistrationForm(BaseForm):
    name = TrimmedStringField(
        _l("Nom et prénom"),
        validators=[DataRequired(message=_l("Saisissez votre nom et votre prénom.")),
                    max_length(120), _only_a_name])
    email = TrimmedStringField(
        _l("Adresse e-mail"),
        validators=[DataRequired(message=_l("Saisissez votre adresse e-mail, par exemple "
                                            "prenom.nom@exemple.fr.")), *email_validators()])
    seats = SelectField(
        _l("Nombre de places"), coerce=int, default=1,
        choices=SEAT_CHOICES,
        validators=[InputRequired(message=_l("Choisissez entre 1 et 4 places."))])
    companions = FieldList(FormField(CompanionForm), min_entries=3, max_entries=3)
    needs = MultiCheckboxField(_l("Ce dont vous avez besoin pour venir"),
                               choices=list(ACCOMMODATIONS.items()))
    needs_other = TrimmedTextAreaField(_l("Autre besoin"), validators=[Optional(), max_length(500)])
    needs_consent = ConsentField(_l("J’accepte que ces besoins soient transmis à la seule "
                                    "équipe qui organise la soirée, puis effacés après"))
    privacy_consent = ConsentField(
        _l("J’accepte que mon nom et mon adresse e-mail servent à gérer mon inscription"),
        validators=[DataRequired(message=_l("Cochez la case pour accepter l’utilisation de vos "
                                            "données."))])
    submit = SubmitField(_l("M’inscrire"))

    def companions_typed(self) -> bool:
        """Something was typed about a companion, or is wrong: their fields stay open."""
        return any(_typed(entry.form) or entry.errors for entry in self.companions)

    def companions_shown(self, seats: int) -> list:
        """The companions' fields a page shows: one per person after the registrant for
        ``seats`` people, and any other where something was typed or is wrong (nothing
        typed is hidden)."""
        last = max([seats - 1] + [index + 1 for index, entry in enumerate(self.companions)
                                  if _typed(entry.form) or entry.errors])
        return list(self.companions)[:last]

    def offer_needs(self, event_format: str) -> "RegistrationForm":
        """The needs that make sense for the evening (online: no seat near the stage)."""
        choices = list(needs_for(event_format).items())
        self.needs.choices = choices
        for entry in self.companions:
            entry.form.needs.choices = choices
        return self

    def validate_seats(self, field):
        _validate_companions_fit(self, field)

    def validate_needs_consent(self, field):
        _validate_needs_consent(self, field)


PHONE_VALIDATORS = [max_length(40), Regexp(r"^[0-9 +().-]*[0-9][0-9 +().-]*$", message=_l(
    "Saisissez un numéro de téléphone en chiffres, par exemple 06 12 34 56 78."))]


def _whole_number(form, field):
    """A number the team can call back: 8 to 15 digits (the shortest national numbers in
    Europe; the longest international ones), not « 12 »."""
    digits = sum(character.isdigit() for character in field.data or "")
    if field.data and not 8 <= digits <= 15:
        raise ValidationError(_l("Saisissez le numéro complet, pour pouvoir rappeler la "
                                 "personne, par exemple 06 12 34 56 78."))


class PhoneRegistrationForm(RegistrationForm):
    """The organiser registers someone who called, perhaps without an e-mail address."""

    phone = TrimmedStringField(
        _l("Numéro de téléphone"),
        validators=[DataRequired(message=_l("Saisissez son numéro de téléphone, pour pouvoir "
                                            "la prévenir.")), *PHONE_VALIDATORS,
                    _whole_number])
    email = TrimmedStringField(_l("Adresse e-mail"), validators=[Optional(),
                                                                 *email_validators()])
    needs = MultiCheckboxField(_l("Ce dont la personne a besoin pour venir"),
                               choices=list(ACCOMMODATIONS.items()))
    needs_consent = ConsentField(_l("La personne accepte que ces besoins soient transmis à la "
                                    "seule équipe qui organise la soirée, puis effacés après"))
    privacy_consent = ConsentField(
        _l("La personne accepte que son nom et son numéro servent à gérer son inscription"),
        validators=[DataRequired(message=_l("Demandez-lui son accord, puis cochez la case."))])
    submit = SubmitField(_l("Inscrire la personne"))


class ChangeRegistrationForm(RegistrationForm):
    """The registrant changes their own registration: how many people come, who they
    are, what everyone needs (their name, address and consent stay)."""

    name = None
    email = None
    privacy_consent = None
    submit = SubmitField(_l("Enregistrer les changements"))

    def fill_from(self, registration, seats: int) -> "ChangeRegistrationForm":
        """What the registration says today, for ``seats`` people."""
        self.seats.data = seats
        self.needs.data = registration.need_list
        self.needs_other.data = registration.needs_other
        self.needs_consent.data = registration.needs_consent_at is not None
        for entry, companion in zip(list(self.companions)[:seats - 1], registration.companions,
                                    strict=False):
            entry.form.name.data = companion.name
            entry.form.needs.data = companion.need_list
            entry.form.needs_other.data = companion.needs_other
        return self


class CancelRegistrationForm(BaseForm):
    submit = SubmitField(_l("Oui, annuler mon inscription"))


def _replay_field(label) -> TrimmedStringField:
    """The slides' or replay's link, on the evening form and on its record after."""
    return TrimmedStringField(label, validators=[
        Optional(), max_length(500), URL(require_tld=False, message=_l(
            "Saisissez une adresse web complète, par exemple https://video.exemple.fr/replay."))])


class EventForm(BaseForm):
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
    town = TrimmedStringField(_l("Ville"), validators=[max_length(100)])
    postcode = TrimmedStringField(_l("Code postal"), validators=[max_length(6)])
    online_info = TrimmedTextAreaField(_l("Comment suivre la soirée en ligne"),
                                       validators=[Optional(), max_length(1000)])
    join_url = TrimmedStringField(
        _l("Lien privé pour rejoindre la soirée en ligne"),
        validators=[Optional(), max_length(500), URL(require_tld=False, message=_l(
            "Saisissez une adresse web complète, par exemple https://visio.exemple.fr/soiree."))])
    dial_in = TrimmedStringField(_l("Numéro pour suivre par téléphone"),
                                 validators=[Optional(), max_length(200)])
    replay_url = _replay_field(_l("Lien du replay, après la soirée"))
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

    # On site, the town and its postcode say where the evening is: people look for one
    # near them by town or department. Online, neither is asked.
    def _on_site(self) -> bool:
        return self.format.data != EventFormat.ONLINE

    def validate_town(self, field):
        if self._on_site() and not field.data:
            raise ValidationError(_l("Indiquez la ville, par exemple Lyon."))

    def validate_postcode(self, field):
        if self._on_site() and department_of(field.data or "") is None:
            raise ValidationError(_l("Saisissez un code postal français de 5 chiffres, par "
                                     "exemple 69004."))


class CancelEventForm(BaseForm):
    reason = TrimmedTextAreaField(
        _l("Raison de l’annulation"),
        validators=[DataRequired(message=_l("Expliquez en une phrase pourquoi la soirée est "
                                            "annulée.")), max_length(1000)])
    submit = SubmitField(_l("Annuler la soirée et prévenir les inscrits"))


class PublicationForm(BaseForm):
    publish = SubmitField(_l("Publier la soirée"))
    unpublish = SubmitField(_l("Repasser en brouillon"))


class MessageForm(BaseForm):
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


class SeatsForm(BaseForm):
    seats = SelectField(
        _l("Nombre de places"), coerce=int,
        choices=SEAT_CHOICES,
        validators=[InputRequired(message=_l("Choisissez entre 1 et 4 places."))])
    submit = SubmitField(_l("Changer le nombre de places"))


class ResendLinkForm(BaseForm):
    submit = SubmitField(_l("Renvoyer son lien par e-mail"))


class OrganiserCancelForm(BaseForm):
    confirm = ConsentField(
        _l("Je confirme : la personne m’a demandé d’annuler"),
        validators=[DataRequired(message=_l("Cochez la case pour confirmer l’annulation."))])
    submit = SubmitField(_l("Annuler cette inscription"))


class CheckInForm(BaseForm):
    submit = SubmitField(_l("Pointer"))


class WalkInForm(BaseForm):
    """Someone arrives without a registration: let in if seats are free."""

    name = TrimmedStringField(_l("Nom et prénom"),
                              validators=[Optional(), max_length(120), _only_a_name])
    seats = SelectField(
        _l("Nombre de personnes"), coerce=int, default=1,
        choices=[(1, _l("1 personne")), (2, _l("2 personnes")), (3, _l("3 personnes")),
                 (4, _l("4 personnes"))],
        validators=[InputRequired(message=_l("Choisissez entre 1 et 4 personnes."))])
    submit = SubmitField(_l("Faire entrer sans inscription"))


class MoveForm(BaseForm):
    target = SelectField(_l("Autre soirée du même thème"), coerce=int,
                         validators=[InputRequired(message=_l(
                             "Choisissez une autre soirée à venir du même thème."))])
    submit = SubmitField(_l("Déplacer l’inscription"))


class NoteForm(BaseForm):
    note = TrimmedTextAreaField(_l("Note pour l’équipe"), validators=[Optional(),
                                                                      max_length(1000)])
    submit = SubmitField(_l("Enregistrer la note"))


class CalledForm(BaseForm):
    submit = SubmitField(_l("C’est fait, la personne est prévenue"))


class HeldForm(BaseForm):
    replay_url = _replay_field(_l("Lien des diapositives ou du replay"))
    send_replay = BooleanField(_l("Envoyer ce lien par e-mail aux personnes inscrites"))
    submit = SubmitField(_l("Enregistrer le bilan"))


class SatisfactionForm(BaseForm):
    score = RadioField(_l("Qu’avez-vous pensé de la soirée ?"), coerce=int,
                       choices=list(SATISFACTION_SCORES.items()),
                       validators=[InputRequired(message=_l("Choisissez une note de 1 à 5."))])
    comment = TrimmedTextAreaField(_l("Un mot pour l’équipe"),
                                   validators=[Optional(), max_length(1000)])
    submit = SubmitField(_l("Envoyer mon avis"))


# --- The projects an evening presents ------------------------------------------------


class MaterialsForm(BaseForm):
    materials_url = _replay_field(_l("Lien public des diapositives ou de la vidéo"))
    submit = SubmitField(_l("Enregistrer le lien"))
