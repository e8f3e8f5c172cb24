import time

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from patientlab.associations.services import list_associations
from patientlab.auth import gates, two_step
from patientlab.auth import services as svc
from patientlab.auth.forms import (
    AcceptCharterForm,
    ChangeEmailForm,
    ChangePasswordForm,
    EraseAccountForm,
    ForgotPasswordForm,
    LoginCodeForm,
    LoginForm,
    NewRecoveryCodesForm,
    PreferencesForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    RoleRequestForm,
    TurnOffTwoStepForm,
    TwoStepSetupForm,
    notifications_form,
)
from patientlab.auth.preferences import (
    PREFS_COOKIE,
    Preferences,
    carry_into,
    current_preferences,
    device_preferences,
)
from patientlab.auth.presentation import presentation_of
from patientlab.core import notifications as notif
from patientlab.core.gates import CHARTER, SUSPENDED, TWO_STEP_SETUP, reachable_during
from patientlab.core.security import (
    Role,
    TokenError,
    acting_user,
    private_page,
    roles_required,
    safe_next_url,
)
from patientlab.core.text import normalise_email
from patientlab.core.transaction import attempt
from patientlab.extensions import csrf, limiter

bp = Blueprint("auth", __name__, url_prefix="/compte")
# The address just confirmed by its link, to fill in the login form that follows.
CONFIRMED_EMAIL = "confirmed_email"

ONE_YEAR = 365 * 24 * 3600


def _config(name):
    return lambda: current_app.config[name]


def _account_key() -> str:
    """Rate-limit key for the account named in the submitted form (login, reset)."""
    return "account:" + normalise_email(request.form.get("email", ""))[:254]



def _fresh_session() -> None:
    """Nothing from the visitor's session carries over, but the chosen language."""
    prefs_lang = session.get("_locale")
    session.clear()
    if prefs_lang:
        session["_locale"] = prefs_lang


def _start_session(user) -> None:
    """A fresh session at login."""
    _fresh_session()
    session.permanent = True
    session["_started"] = session["_seen"] = int(time.time())
    login_user(user)


@bp.route("/inscription", methods=["GET", "POST"])
@limiter.limit(_config("RATE_LIMIT_REGISTER_PER_IP"), methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("auth.profile"))
    form = RegisterForm()
    form.set_association_choices(list_associations())
    if form.validate_on_submit():
        data = _registration(form)
        with attempt(form) as done:
            svc.register(data)
        if done:
            return redirect(url_for("auth.check_email"))
    if request.method == "POST":
        form.ask_password_again()
    return render_template("auth/register.html", form=form)


def _registration(form) -> svc.Registration:
    """What the form says, with this device's language and display choices."""
    return svc.Registration(
        email=form.email.data,
        password=form.password.data,
        name=form.name.data,
        pseudonym=form.pseudonym.data or "",
        profile=form.profile.data,
        association_id=form.association.data,
        motivation=form.motivation.data or "",
        charter_accepted=bool(form.charter.data),
        locale=str(get_locale()),
        preferences=device_preferences(request),
    )


@bp.route("/inscription/verifiez-vos-mails")
def check_email():
    return render_template("auth/check_email.html")


@bp.route("/verifier/<token>")
@private_page
def verify_email(token):
    try:
        user = svc.verify_email(token)
    except TokenError as error:
        return render_template("auth/bad_link.html", expired=error.expired,
                               kind="verify"), 400
    if current_user.is_authenticated:
        flash(_("Merci, votre adresse e-mail est confirmée."), "success")
        return redirect(url_for("auth.profile"))
    # What to do next, said plainly, with the address already filled in on the login form.
    flash(_("Merci, votre adresse e-mail est confirmée. Dernière étape : connectez-vous avec "
            "votre mot de passe."), "success")
    session[CONFIRMED_EMAIL] = user.email
    return redirect(url_for("auth.login"))


@bp.route("/renvoyer-confirmation", methods=["POST"])
@login_required
def resend_verification():
    if not current_user.is_verified:
        svc.send_verification(current_user)
    flash(_("Nous vous avons envoyé un nouveau lien de confirmation."), "success")
    return redirect(url_for("auth.profile"))


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(_config("RATE_LIMIT_LOGIN_PER_IP"), methods=["POST"])
@limiter.limit(_config("RATE_LIMIT_LOGIN_PER_ACCOUNT"), methods=["POST"], key_func=_account_key)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next_url(request.args.get("next")) or ""
        form.email.data = session.pop(CONFIRMED_EMAIL, None) or form.email.data
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next_url(form.next.data) or url_for("main.my_space"))
    if form.validate_on_submit():
        user = svc.authenticate(form.email.data, form.password.data)
        if user is None:
            _refuse_password(form)
        elif user.has_two_step_login:
            return _await_code(user, form.next.data)
        else:
            return _logged_in(user, form.next.data)
    return render_template("auth/login.html", form=form)


def _refuse_password(form) -> None:
    form.form_errors.append(_(
        "L’adresse e-mail ou le mot de passe ne correspond pas. Vérifiez-les, ou "
        "choisissez « Mot de passe oublié »."))
    form.password.errors = [*form.password.errors, _("Vérifiez votre mot de passe.")]
    current_app.logger.info("login failed account=%r ip=%s", form.email.data[:254],
                            request.remote_addr)


def _logged_in(user, next_url):
    carry_into(user, device_preferences(request))  # see auth.preferences
    _start_session(user)
    current_app.logger.info("login ok user=%s ip=%s", user.id, request.remote_addr)
    flash(_("Bonjour %(name)s, vous voilà sur votre compte.", name=user.public_name), "success")
    return redirect(safe_next_url(next_url) or url_for("main.my_space"))


def _await_code(user, next_url):
    """Password checked: remember whose code we wait for (not logged in yet), and ask
    for it."""
    _fresh_session()
    session["_code_for"] = {"token": user.session_token, "at": int(time.time()),
                            "next": safe_next_url(next_url) or ""}
    current_app.logger.info("login password ok, code asked user=%s ip=%s",
                            user.id, request.remote_addr)
    return redirect(url_for("auth.login_code"))


def _user_awaiting_code():
    pending = session.get("_code_for")
    if not isinstance(pending, dict):
        return None, ""
    if int(time.time()) - int(pending.get("at", 0)) > current_app.config["LOGIN_CODE_MAX_AGE"]:
        return None, ""
    return svc.get_user_by_session_token(str(pending.get("token", ""))), pending.get("next", "")


def _code_account_key() -> str:
    pending = session.get("_code_for")
    token = pending.get("token", "") if isinstance(pending, dict) else ""
    return "code:" + str(token)[:64]


@bp.route("/connexion/code", methods=["GET", "POST"])
@limiter.limit(_config("RATE_LIMIT_CODE_PER_IP"), methods=["POST"])
@limiter.limit(_config("RATE_LIMIT_CODE_PER_ACCOUNT"), methods=["POST"],
               key_func=_code_account_key)
def login_code():
    """Second step of the login for accounts with an authenticator app."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.profile"))
    user, next_url = _user_awaiting_code()
    if user is None or not user.active:
        return _code_expired()
    form = LoginCodeForm()
    if form.validate_on_submit():
        used = two_step.check_code(user, form.code.data)
        if used is not None:
            return _logged_in_with_code(user, next_url, used)
        _refuse_code(form, user)
    return render_template("auth/login_code.html", form=form)


def _refuse_code(form, user) -> None:
    form.code.errors = [*form.code.errors, _(
        "Ce code ne convient pas. Tapez les 6 chiffres affichés en ce moment par votre "
        "application, ou un de vos codes de secours.")]
    current_app.logger.info("login code failed user=%s ip=%s", user.id, request.remote_addr)


def _code_expired():
    session.pop("_code_for", None)
    flash(_("Votre connexion a expiré. Saisissez à nouveau votre adresse e-mail et votre "
            "mot de passe."), "info")
    return redirect(url_for("auth.login"))


def _logged_in_with_code(user, next_url, used: str):
    response = _logged_in(user, next_url)
    if used == "recovery":
        left = two_step.recovery_codes_left(user)
        flash(ngettext("Vous avez utilisé un code de secours. Il vous en reste %(num)d.",
                       "Vous avez utilisé un code de secours. Il vous en reste %(num)d.",
                       left), "warning")
    return response


@bp.route("/deconnexion", methods=["POST"])
@reachable_during(CHARTER, TWO_STEP_SETUP, SUSPENDED)
@login_required
def logout():
    user = acting_user()
    current_app.logger.info("logout user=%s ip=%s", user.id, request.remote_addr)
    svc.end_all_sessions(user)
    logout_user()
    session.clear()
    flash(_("La déconnexion est faite. À bientôt !"), "success")
    return redirect(url_for("main.home"))


@bp.route("/session/prolonger", methods=["POST"])
@reachable_during(CHARTER, TWO_STEP_SETUP, SUSPENDED)
@login_required
def extend_session():
    """« Rester connecté »: the session starts its idle time again (within its 12 hours)."""
    session["_seen"] = int(time.time())
    if request.accept_mimetypes.best == "application/json":
        return {"remaining": gates.session_remaining()}
    flash(_("Votre session est prolongée."), "success")
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.my_space"))


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def notifications():
    """Which messages, and when: per kind, and the subjects the person follows."""
    user = acting_user()
    form = notifications_form(user, notif.settings_of(user), notif.follows_of(user),
                              blank=request.method == "GET")
    # What is followed one at a time has a field only when something of it is listed.
    followed = [f for f in notif.followed_kinds() if hasattr(form, f"followed_{f.key}")]
    if form.validate_on_submit():
        with attempt(form) as done:
            _save_notifications(user, form, followed)
        if done:
            flash(_("Vos choix de messages sont enregistrés."), "success")
            return redirect(url_for("auth.notifications"))
    return render_template("auth/notifications.html", form=form, kinds=notif.kinds(user),
                           topics=notif.topics(), always=notif.ALWAYS_SENT,
                           followed=followed)


def _save_notifications(user, form, followed) -> None:
    notif.save_settings(
        user, {k.key: getattr(form, f"kind_{k.key}").data for k in notif.kinds(user)},
        {t.key: getattr(form, f"follow_{t.key}").data or [] for t in notif.topics()},
        {f.key: getattr(form, f"followed_{f.key}").data or [] for f in followed})


@bp.route("/notifications/desabonnement/<token>", methods=["GET", "POST"])
@reachable_during(CHARTER, TWO_STEP_SETUP, SUSPENDED)
@csrf.exempt  # RFC 8058: the mail program posts without a token; the link is signed
@private_page
def unsubscribe(token):
    """One click from the mail (POST « List-Unsubscribe=One-Click »), or the button of
    this page: those kinds of message, and only those, are turned off. Opening the page
    (GET, which link checkers do) changes nothing."""
    try:
        user_id, kinds = notif.read_unsubscribe_token(token)
    except TokenError as error:
        return render_template("auth/bad_link.html", expired=error.expired), 400
    user = svc.get_active_user(user_id)
    if user is None:
        return render_template("auth/bad_link.html", expired=False), 400
    labels = [k.label for k in notif.kinds() if k.key in kinds]
    if request.method == "POST":
        notif.unsubscribe(user, kinds)
        return render_template("auth/unsubscribed.html", labels=labels, done=True)
    return render_template("auth/unsubscribed.html", labels=labels, done=False, token=token)


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit(_config("RATE_LIMIT_RESET_PER_IP"), methods=["POST"])
@limiter.limit(_config("RATE_LIMIT_RESET_PER_ACCOUNT"), methods=["POST"], key_func=_account_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        svc.request_password_reset(form.email.data, locale=str(get_locale()))
        return render_template("auth/forgot_password_sent.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@private_page
def reset_password(token):
    try:
        svc.user_for_reset_token(token)
    except TokenError as error:
        return render_template("auth/bad_link.html", expired=error.expired,
                               kind="reset"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = svc.reset_password(token, form.password.data)
        logout_user()
        session.clear()
        flash(_("Votre mot de passe est enregistré. Vous pouvez vous connecter."), "success")
        current_app.logger.info("password reset user=%s", user.id)
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/profil", methods=["GET", "POST"])
@reachable_during(CHARTER)
@login_required
def profile():
    user = acting_user()
    bio = presentation_of(user)
    form = _profile_form(user, bio)
    if form.validate_on_submit():
        with attempt(form) as done:
            svc.update_profile(user, name=form.name.data, pseudonym=form.pseudonym.data or "",
                               bio=form.bio.data or "", association_id=form.association.data)
        if done:
            return _profile_saved(presentation_of(user))
    return render_template("auth/profile.html", form=form, bio=bio,
                           role_requests=svc.role_requests_of(user),
                           open_roles=svc.requestable_roles(user),
                           charter=svc.latest_charter_acceptance(user))


def _profile_form(user, bio) -> ProfileForm:
    """Shown first with the account as it stands; posted, with what was typed."""
    form = ProfileForm(obj=None if request.method == "POST" else user)
    form.set_association_choices(list_associations())
    if request.method == "GET":
        form.association.data = user.association_id
        form.bio.data = bio.body if bio else ""
    return form


def _profile_saved(bio):
    if bio is not None and not bio.is_published:
        flash(_("Votre profil est enregistré. Votre présentation sera visible après "
                "relecture par l’équipe de modération."), "success")
    else:
        flash(_("Votre profil est enregistré."), "success")
    return redirect(url_for("auth.profile"))


@bp.route("/mot-de-passe", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = acting_user()
        with attempt(form) as done:
            svc.change_password(user, form.current_password.data, form.password.data)
        if done:
            _start_session(user)  # this device stays logged in, the others are logged out
            flash(_("Votre mot de passe est changé. Vos autres appareils sont déconnectés."),
                  "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/adresse", methods=["GET", "POST"])
@login_required
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            svc.request_email_change(acting_user(),
                                     form.current_password.data, form.email.data)
        if done:
            flash(_("Nous avons envoyé un lien à %(email)s. Ouvrez-le pour confirmer la "
                    "nouvelle adresse.", email=svc.normalise_email(form.email.data)), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/change_email.html", form=form)


@bp.route("/adresse/<token>")
@private_page
def confirm_email_change(token):
    try:
        with attempt() as done:
            svc.confirm_email_change(token)
    except TokenError as error:
        return render_template("auth/bad_link.html", expired=error.expired,
                               kind="email"), 400
    if not done:  # its message is flashed
        return redirect(url_for("main.home"))
    flash(_("Votre nouvelle adresse e-mail est enregistrée."), "success")
    return redirect(url_for("auth.profile") if current_user.is_authenticated
                    else url_for("auth.login"))


def _security_page(codes_form=None, off_form=None, status=200):
    user = acting_user()
    return render_template(
        "auth/security.html",
        codes_form=codes_form or NewRecoveryCodesForm(prefix="codes"),
        off_form=off_form or TurnOffTwoStepForm(prefix="off"),
        required=two_step.is_required(user),
        codes_left=two_step.recovery_codes_left(user) if user.has_two_step_login else 0,
    ), status


@bp.route("/securite")
@login_required
def security():
    return _security_page()


@bp.route("/securite/double-authentification", methods=["GET", "POST"])
@reachable_during(TWO_STEP_SETUP)
@login_required
def two_step_setup():
    user = acting_user()
    if user.has_two_step_login:
        flash(_("La double authentification est déjà activée."), "info")
        return redirect(url_for("auth.security"))
    two_step.secret_for_setup(user)  # stored with the request: the same until set-up ends
    form = TwoStepSetupForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            codes = two_step.enable(user, form.code.data, form.password.data)
        if done:
            current_app.logger.info("two-step login enabled user=%s", user.id)
            return render_template("auth/recovery_codes.html", codes=codes, first=True,
                                   next_url=safe_next_url(request.args.get("next")))
    return _two_step_setup_page(user, form)


def _two_step_setup_page(user, form):
    # Asked again after a refused code: its rollback takes back a secret made by this
    # request, and the page must show the one the request stores.
    secret = two_step.secret_for_setup(user)
    uri = two_step.provisioning_uri(user, secret)
    return render_template("auth/two_step_setup.html", form=form,
                           secret=two_step.grouped(secret), qr_code=two_step.qr_code_data_uri(uri),
                           required=two_step.is_required(user))


@bp.route("/securite/codes-de-secours", methods=["POST"])
@login_required
def new_recovery_codes():
    user = acting_user()
    form = NewRecoveryCodesForm(prefix="codes")
    if form.validate_on_submit():
        with attempt(form) as done:
            codes = two_step.new_recovery_codes(user, form.password.data)
        if done:
            return render_template("auth/recovery_codes.html", codes=codes, first=False,
                                   next_url=None)
    return _security_page(codes_form=form)


@bp.route("/securite/double-authentification/desactiver", methods=["POST"])
@login_required
def two_step_off():
    user = acting_user()
    form = TurnOffTwoStepForm(prefix="off")
    if form.validate_on_submit():
        with attempt(form) as done:
            two_step.turn_off(user, form.password.data)
        if done:
            current_app.logger.info("two-step login disabled user=%s", user.id)
            if two_step.is_required(user):
                flash(_("Votre ancienne application ne marche plus. Installez la nouvelle "
                        "maintenant : votre rôle demande la double authentification."), "info")
                return redirect(url_for("auth.two_step_setup"))
            flash(_("La double authentification est désactivée."), "success")
            return redirect(url_for("auth.security"))
    return _security_page(off_form=form)


@bp.route("/donnees")
@reachable_during(CHARTER)
@login_required
def my_data():
    from patientlab.auth.export import collect

    return render_template("auth/data.html", data=collect(acting_user()))


@bp.route("/supprimer", methods=["GET", "POST"])
@reachable_during(CHARTER, SUSPENDED)
@login_required
def erase():
    from patientlab.auth.erasure import erase_account

    form = EraseAccountForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            erase_account(acting_user(), form.password.data)
        if done:
            logout_user()
            session.clear()
            flash(_("Votre compte est supprimé. Merci d’avoir participé."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/erase.html", form=form)


@bp.route("/donnees.<fmt>")
@reachable_during(CHARTER)
@login_required
def export_data(fmt):
    from patientlab.auth.export import collect, record_export

    if fmt not in ("json", "html"):
        abort(404)
    user = acting_user()
    data = collect(user)
    record_export(user, fmt)
    name = f"patientlab-mes-donnees-{data['exported_at'][:10]}.{fmt}"
    body, mimetype = _export_body(data, fmt)
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _export_body(data: dict, fmt: str) -> tuple[str, str]:
    """The copy's text and its type: JSON for programs, a page for people."""
    import json

    from patientlab.auth.export import section_titles

    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2), "application/json"
    return (render_template("auth/data_export.html", data=data, titles=section_titles()),
            "text/html")


@bp.route("/charte", methods=["GET", "POST"])
@reachable_during(CHARTER)
@login_required
def accept_charter():
    target = safe_next_url(request.values.get("next")) or url_for("main.home")
    if not svc.needs_charter(current_user):
        return redirect(target)
    accepted = svc.latest_charter_acceptance(current_user) is not None
    form = _charter_form(accepted)
    if form.validate_on_submit():
        svc.accept_charter(acting_user())
        flash(_("Merci d’avoir accepté la nouvelle version de la charte.") if accepted
              else _("Merci d’avoir accepté la charte de participation."), "success")
        return redirect(target)
    return render_template("auth/accept_charter.html", form=form, charter=svc.current_charter(),
                           accepted=accepted, next_url=target)


def _charter_form(accepted: bool) -> AcceptCharterForm:
    form = AcceptCharterForm()
    if not accepted:  # a first acceptance: nothing is « new » to this person
        form.charter.label.text = _("J’ai lu la charte de participation et je m’engage à la "
                                    "respecter")
    return form


@bp.route("/role", methods=["GET", "POST"])
@login_required
def request_role():
    user = acting_user()
    form = _role_request_form(svc.requestable_roles(user))
    if form is not None and form.validate_on_submit():
        with attempt(form) as done:
            svc.request_role(user, form.role.data,
                             form.motivation.data or "", bool(form.charter.data))
        if done:
            flash(_("Votre demande est envoyée. Une personne de la coordination vous "
                    "répondra par e-mail."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/request_role.html", form=form,
                           role_requests=svc.role_requests_of(user))


def _role_request_form(open_roles) -> RoleRequestForm | None:
    """The form for the roles one may still ask for; none when every role is validated or
    waiting (the page then says where the requests stand)."""
    if not open_roles:
        return None
    form = RoleRequestForm()
    form.role.choices = [(value, label) for value, label in form.role.choices
                         if value in open_roles]
    return form


@bp.route("/preferences", methods=["GET", "POST"])
@reachable_during(CHARTER, TWO_STEP_SETUP, SUSPENDED)
def preferences():
    form = PreferencesForm()
    if request.method == "GET":
        _show_preferences(form, current_preferences(request, current_user))
    if form.validate_on_submit():
        prefs = _chosen_preferences(form)
        if current_user.is_authenticated:
            prefs.apply_to_user(acting_user())
        flash(_("Vos préférences d’affichage sont enregistrées."), "success")
        response = make_response(redirect(url_for("auth.preferences")))
        response.set_cookie(PREFS_COOKIE, prefs.to_cookie(), max_age=ONE_YEAR,
                            httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response
    return render_template("auth/preferences.html", form=form)


def _show_preferences(form, current: Preferences) -> None:
    form.text_size.data = str(current.text_size)
    form.high_contrast.data = current.high_contrast
    form.dyslexia_font.data = current.dyslexia_font
    form.wide_spacing.data = current.wide_spacing
    form.reduced_motion.data = current.reduced_motion


def _chosen_preferences(form) -> Preferences:
    return Preferences(
        text_size=int(form.text_size.data),
        high_contrast=form.high_contrast.data,
        dyslexia_font=form.dyslexia_font.data,
        wide_spacing=form.wide_spacing.data,
        reduced_motion=form.reduced_motion.data,
    )


@bp.route("/reseaux", methods=["GET", "POST"])
@roles_required(*Role.REVIEWERS)
def reviewer_networks():
    """A validated reviewer ticks the networks that may invite them to review."""
    from patientlab.auth import network_roles

    user = acting_user()
    form = _reviewer_networks_form(user)
    if form.validate_on_submit():
        changed = network_roles.set_reviewer_networks(user, form.networks.data or [])
        flash(_("Vos choix sont enregistrés.") if changed else _("Rien n’a changé."), "success")
        return redirect(url_for("auth.reviewer_networks"))
    return render_template("auth/reviewer_networks.html", form=form)


def _reviewer_networks_form(user):
    """Every network offered (with its region), those that may invite ``user`` ticked on
    a first view."""
    from patientlab.auth.forms import ReviewerNetworksForm
    from patientlab.networks import context
    from patientlab.networks.services import reviewer_network_ids

    networks = sorted(context.all_networks().values(), key=lambda n: n.name)
    form = ReviewerNetworksForm()
    form.networks.choices = [(n.id, f"{n.name} ({n.region})" if n.region else n.name)
                             for n in networks]
    if request.method == "GET" and not form.restored:
        form.networks.data = sorted(reviewer_network_ids(user.id))
    return form
