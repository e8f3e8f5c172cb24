from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SubmitField
from wtforms.validators import InputRequired, Optional

from patientlab.core.forms import BaseForm, TrimmedStringField, max_length


class FundingPageForm(BaseForm):
    """The coordination makes the page of a funded application, or links an existing one."""

    project = RadioField(_l("La page du projet"), validate_choice=True,
                         validators=[InputRequired(message=_l("Choisissez une page."))])
    submit = SubmitField(_l("Enregistrer"))


class ProjectSearchForm(BaseForm):
    class Meta:
        csrf = False  # a GET search

    q = TrimmedStringField(_l("Chercher un projet publié"),
                           validators=[Optional(), max_length(200)])


class PresentProjectForm(BaseForm):
    project_id = IntegerField(validators=[InputRequired()])
    submit = SubmitField(_l("Présenter ce projet"))


class RemoveProjectForm(BaseForm):
    project_id = IntegerField(validators=[InputRequired()])
    submit = SubmitField(_l("Retirer"))
