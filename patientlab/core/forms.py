"""Validators and fields shared by every feature's forms."""

from babel import support
from flask import current_app, g, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField
from wtforms.i18n import messages_path
from wtforms.validators import Email, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from patientlab.core.security import is_common_password

#: Fields that say nothing of which form was posted: buttons, tokens, hidden values.
_NOT_CONTENT = ("CSRFTokenField", "SubmitField", "HiddenField")


_WTFORMS_MESSAGES: dict[str, support.Translations] = {}


def wtforms_messages() -> support.Translations:
    """WTForms' own messages (« Not a valid date value. ») in the page's language, read
    once per language and process: Flask-WTF reads the catalogue from disk again on
    every request."""
    locale = str(get_locale())
    found = _WTFORMS_MESSAGES.get(locale)
    if found is None:
        found = _WTFORMS_MESSAGES[locale] = support.Translations.load(
            messages_path(), [locale], domain="wtforms")
    return found


#: The names of the fields each endpoint's forms had, as this process last built them (a
#: visitor's kept form keeps only those, core.kept). One entry per endpoint at most.
FIELDS_BY_ENDPOINT: dict[str, frozenset[str]] = {}


def _note_fields(form) -> None:
    from flask import has_request_context

    if not has_request_context() or request.endpoint is None:
        return
    names = frozenset(field.name for field in form)
    known = FIELDS_BY_ENDPOINT.get(request.endpoint)
    if known is None or not names <= known:
        FIELDS_BY_ENDPOINT[request.endpoint] = names | (known or frozenset())


class BaseForm(FlaskForm):
    """Every form of the platform. On a page shown again after a session expired or a
    stale token (core.kept), the form the person had posted is filled with what they
    typed, instead of its saved or default values; ``restored`` says so, for form
    builders that fill fields themselves."""

    restored = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _note_fields(self)

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return wtforms_messages()

        def wrap_formdata(self, form, formdata):
            data = g.get("kept_form") if request.method == "GET" else None
            if data is not None and not isinstance(formdata, dict) and _posted_here(form, data):
                form.restored = True
                return data
            return super().wrap_formdata(form, formdata)


def _posted_here(form, data) -> bool:
    """The kept fields are this form's: one of its content fields was posted."""
    return any(field.name in data for field in form
               if field.type not in _NOT_CONTENT)


class PasswordPolicy:
    """At least 12 characters, no composition rules, not a common password."""

    def __call__(self, form, field):
        value = field.data or ""
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        maximum = current_app.config["PASSWORD_MAX_LENGTH"]
        if len(value) < minimum:
            raise ValidationError(_l(
                "Choisissez un mot de passe d’au moins %(min)s caractères. Une phrase facile à "
                "retenir convient, par exemple « Le chat dort sur le canapé ».", min=minimum))
        if len(value) > maximum:
            raise ValidationError(_l("Choisissez un mot de passe de %(max)s caractères au plus.",
                                     max=maximum))
        if is_common_password(value):
            raise ValidationError(_l("Ce mot de passe est trop courant et facile à deviner. "
                                     "Choisissez-en un autre, par exemple une phrase."))
        email = getattr(form, "email", None)
        if email is not None and email.data and value.casefold() == email.data.casefold():
            raise ValidationError(_l("Le mot de passe doit être différent de votre adresse "
                                     "e-mail."))


def email_validators():
    return [
        Email(message=_l("Saisissez une adresse e-mail valide, par exemple "
                         "prenom.nom@exemple.fr."), check_deliverability=False),
        Length(max=254, message=_l("L’adresse e-mail doit faire 254 caractères au plus.")),
    ]


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


class TrimmedStringField(StringField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("filters", []).append(strip_filter)
        super().__init__(*args, **kwargs)


class TrimmedTextAreaField(TextAreaField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("filters", []).append(strip_filter)
        super().__init__(*args, **kwargs)


class ConsentField(BooleanField):
    """A checkbox that is never ticked in advance."""

    def __init__(self, *args, **kwargs):
        kwargs["default"] = False
        super().__init__(*args, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes (render with the ``checkboxes`` macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def max_length(n: int) -> Length:
    """« 4 000 caractères au plus » with the number written the French way."""
    return Length(max=n, message=_l("%(max)s caractères au plus : raccourcissez le texte.",
                                    max=f"{n:,}".replace(",", " ")))


def add_service_error(form, error) -> None:
    """Show a service's refusal next to the field it names, or at the top of the form;
    each of the refusals found with it (``also``) too."""
    for each in (error, *getattr(error, "also", ())):
        field = getattr(form, each.field, None) if getattr(each, "field", None) else None
        if field is not None:
            field.errors = [*field.errors, str(each.message)]
        else:
            form.form_errors.append(str(each.message))
