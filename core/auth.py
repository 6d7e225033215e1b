"""Log in and out (登录), change password, switch district and language."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from core import sessions, totp
from core.access import Access
from core.commands import Context
from core.db import db
from core.events import Event, emit
from core.i18n import LOCALES
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import utcnow
from core.services import (
    SecondFactorNeeded,
    ServiceError,
    authenticate,
    change_password,
    password_hint,
    reset_password,
)

bp = Blueprint("auth", __name__, url_prefix="/auth")


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class CodeForm(FlaskForm):
    code = StringField(_l("6-digit code"), validators=[DataRequired(), Length(max=16)])


class DisableTotpForm(FlaskForm):
    password = PasswordField(_l("Current password"), validators=[DataRequired()])
    code = StringField(_l("6-digit code"), validators=[DataRequired(), Length(max=16)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[DataRequired()])


class ResetPasswordForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    code = StringField(_l("Reset code"), validators=[DataRequired(), Length(max=32)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[DataRequired()])


def _safe_next(target: str | None) -> str:
    if (
        target
        and not urlparse(target).netloc
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("admin.index")


def _landing(user, wanted: str | None) -> str:
    """Where a login goes: the page asked for, or the admin for staff and the portal for
    residents, owners, volunteers and organisation contacts (never the admin for them)."""
    target = _safe_next(wanted)
    if not Access(user).is_staff and (not wanted or target.startswith("/admin")):
        return url_for("portal.home")
    return target


def _begin_session(user) -> None:
    with db.atomic():
        session["sid"] = sessions.begin(
            user, request.remote_addr or "", request.user_agent.string or ""
        )


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data, request.remote_addr)
        except SecondFactorNeeded as exc:  # nobody is logged in until the code is right
            session.clear()
            session["totp_login"] = {
                "user": exc.user.id,
                "at": utcnow().timestamp(),
                "next": request.args.get("next"),
            }
            return redirect(url_for("auth.login_code"))
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            return _logged_in(user, request.args.get("next"))
    return render_template("auth/login.html", form=form)


def _logged_in(user, wanted: str | None):
    session.clear()
    login_user(user)
    session.permanent = True
    _begin_session(user)
    target = _landing(user, wanted)
    if user.must_change_password:
        flash(_("Please choose a new password before you continue."), "info")
        session["after_password"] = target
        return redirect(url_for("auth.change_password"))
    return redirect(target)


TOTP_LOGIN_MINUTES = 5  # the code must follow the password within this time


@bp.route("/login/code", methods=["GET", "POST"], endpoint="login_code")
def login_code():
    """The second step of a login with a second factor: the 6-digit code."""
    waiting = session.get("totp_login") or {}
    if utcnow().timestamp() - waiting.get("at", 0) > TOTP_LOGIN_MINUTES * 60:
        session.pop("totp_login", None)
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            user = totp.verify_login(waiting["user"], form.code.data, request.remote_addr or "")
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            return _logged_in(user, waiting.get("next"))
    return render_template("auth/login_code.html", form=form)


def second_factor_gate():
    """With ``TOTP_REQUIRED_FOR_ADMINS``, an administrator without a second factor may use
    nothing but the pages of this blueprint (enrolment, password, logging out) until enrolled."""
    if not current_user.is_authenticated or g.get("api_token") is not None:
        return None
    if request.blueprint == "auth" or (request.endpoint or "").endswith("static"):
        return None
    if not totp.must_enrol(g.get("access")):
        return None
    if request.path.startswith("/api/"):
        abort(403)
    session.setdefault("after_totp", request.full_path.rstrip("?"))
    return redirect(url_for("auth.totp"))


@bp.route("/totp", methods=["GET", "POST"], endpoint="totp")
@login_required
def totp_view():
    """Enrol (绑定动态口令) or turn the second factor off (account page)."""
    ctx = Context.current()
    user = current_user._get_current_object()
    if totp.is_enabled(user):
        form = DisableTotpForm()
        if form.validate_on_submit():
            try:
                totp.disable(ctx, form.password.data, form.code.data)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Your second factor is off."), "success")
                return redirect(url_for("auth.change_password"))
        return render_template("auth/totp.html", enabled=True, form=form)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            totp.confirm_enrolment(ctx, form.code.data)
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Your second factor is on: logins now ask for a code."), "success")
            return redirect(_landing(user, session.pop("after_totp", None)))
    try:
        secret, uri = totp.begin_enrolment(ctx)
    except ServiceError as exc:
        abort(403, str(exc))
    page = make_response(
        render_template(
            "auth/totp.html",
            enabled=False,
            form=form,
            secret=secret,
            uri=uri,
            qr=totp.qr_data_uri(uri),
            required=totp.must_enrol(g.get("access")),
        )
    )
    page.headers["Cache-Control"] = "no-store"
    return page


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        with db.atomic():
            emit(
                Event(
                    "logout",
                    record=current_user._get_current_object(),
                    actor=current_user._get_current_object(),
                )
            )
    sessions.end(session.get("sid"), "logout")
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"], endpoint="change_password")
@login_required
def change_password_view():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(Context.current(), form.current.data, form.new.data, form.confirm.data)
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            _begin_session(current_user._get_current_object())  # the others have ended
            flash(_("Your password has been changed."), "success")
            return redirect(_safe_next(session.pop("after_password", None)))
    return render_template("auth/change_password.html", form=form, hint=password_hint())


@bp.route("/reset", methods=["GET", "POST"], endpoint="reset_password")
def reset_password_view():
    """Set a new password with the one-time code a security administrator gave (忘记密码)."""
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(
                form.username.data,
                form.code.data,
                form.new.data,
                form.confirm.data,
                request.remote_addr or "",
            )
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Your new password is set. Please log in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, hint=password_hint())


@bp.route("/district", methods=["POST"])
@login_required
def switch_district():
    wanted = request.form.get("district_id", type=int)
    if wanted not in {d.id for d in g.get("districts", [])}:
        flash(_("You do not work in that district."), "error")
    else:
        session["district_id"] = wanted
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/language", methods=["POST"])
def switch_language():
    locale = request.form.get("locale")
    if locale in LOCALES:
        session["locale"] = locale
    return redirect(_safe_next(request.form.get("next")))
