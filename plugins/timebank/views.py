"""Portal pages for volunteers on a phone (``/portal/timebank``) and the public certificate
pages (``/timebank/certificate/<number>``, no login).

Portal: register, sign up for shifts and cancel, check in and out, log service, show the
confirmation QR code, confirm someone's service after scanning it, see balances and history,
give credits to a relative or donate them to the community pool.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from core.choices import options
from core.commands import Context
from core.i18n import Label, is_english
from core.i18n import gettext as _
from core.models import TerritoryUnit, utcnow
from core.portal import Task, portal_login_required
from core.request_context import current_actor
from core.services import ServiceError
from forms.validators import normalize_id_card

from . import reports, rules, services
from .forms import ConfirmForm, DonateForm, GiftForm, LogForm, RegisterForm
from .models import (
    ACCOUNT_KINDS,
    RECORD_STATES,
    SIGNUP_STATES,
    TRANSFER_KINDS,
    VOLUNTEER_STATUSES,
    Certificate,
    ServiceRecord,
    Shift,
    SignUp,
    Volunteer,
)

portal = Blueprint(
    "timebank_portal", __name__, url_prefix="/portal/timebank", template_folder="templates"
)
portal.portal_label = Label("志愿服务", "Volunteering")
portal.portal_resource = "timebank.portal"  # the volunteer's pages: timebank.portal:read

public = Blueprint("timebank_public", __name__, url_prefix="/timebank", template_folder="templates")


def blueprints() -> list[Blueprint]:
    return [portal, public]


def _me() -> Volunteer | None:
    vol = services.volunteer_of(current_actor())
    if vol is None or g.get("district_id") is None:
        return vol
    return vol if services._district_id(vol) == g.district_id else None


def _mine_or_404(model, pk, vol):
    record = model.get_or_none(model.id == pk)
    if record is None or vol is None or record.volunteer_id != vol.id:
        abort(404)
    return record


# -- portal ------------------------------------------------------------------------------------


@portal.route("/")
@portal_login_required(open_to_all=True)  # self-registration (志愿服务条例 第七条)
def index():
    vol = _me()
    if vol is None:
        return render_template("timebank/portal_welcome.html")
    signups = list(
        SignUp.select(SignUp, Shift)
        .join(Shift)
        .where((SignUp.volunteer == vol.id) & SignUp.state.in_(["signed", "waiting", "checked_in"]))
        .order_by(Shift.starts_at)
    )
    taken = {s.shift_id for s in signups}
    shifts = [s for s in services.open_shifts(vol).limit(20) if s.id not in taken]
    records = list(
        ServiceRecord.select()
        .where(ServiceRecord.volunteer == vol.id)
        .order_by(ServiceRecord.started_at.desc())
        .limit(10)
    )
    balances = services.balances(vol)
    return render_template(
        "timebank/portal_index.html",
        vol=vol,
        balances=balances,
        stars=services.stars(vol),
        signups=signups,
        shifts=shifts,
        records=records,
        fmt=rules.format_minutes,
        local=services.to_local,
        record_states=dict(RECORD_STATES),
        signup_states=dict(SIGNUP_STATES),
        volunteer_states=dict(VOLUNTEER_STATUSES),
    )


@portal.route("/register", methods=["GET", "POST"])
@portal_login_required(open_to_all=True)  # self-registration (志愿服务条例 第七条)
def register():
    """Real-name registration, with the district's registration extras (a low-code form
    definition an administrator can change without code)."""
    from wtforms import Form

    from forms.services import context, version_form
    from forms.wtform import wtform_class

    if services.volunteer_of(current_actor()) is not None:
        flash(_("You have already registered as a volunteer."), "info")
        return redirect(url_for(".index"))
    form = RegisterForm()
    communities = []
    if g.get("district_id"):
        communities = list(
            TerritoryUnit.select()
            .where(
                (TerritoryUnit.district_id == g.district_id) & (TerritoryUnit.level == "community")
            )
            .order_by(TerritoryUnit.path)
        )
    form.community.choices = options([(str(c.id), c.name) for c in communities])
    version = services.extras_version(g.get("district_id"))
    extras_def = version_form(version)
    english = is_english()
    extras_form = wtform_class(extras_def, context(g.get("district_id")), base=Form)(
        request.form if request.method == "POST" else None
    )
    if form.validate_on_submit() & extras_form.validate():
        vol = Volunteer(
            unit=int(form.community.data),
            name=form.name.data,
            id_number=normalize_id_card(form.id_number.data),
            mobile=form.mobile.data.strip(),
            source=form.source.data,
            skills=form.skills.data or "",
            availability=form.availability.data or "",
            national_number=form.national_number.data or "",
            consent_at=utcnow() if form.consent.data else None,
        )
        try:
            services.register(
                Context.current("portal"),
                vol,
                self_service=True,
                extras=extras_form.definition_data(),
            )
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Thank you for registering. The community will review it soon."), "success")
            return redirect(url_for(".index"))
    return render_template(
        "timebank/portal_register.html",
        form=form,
        extras_form=extras_form,
        extras_def=extras_def,
        english=english,
    )


def _signup_action(signup_id: int, operation, done: str):
    vol = _me()
    signup = _mine_or_404(SignUp, signup_id, vol)
    try:
        operation(signup)
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash(done, "success")
    return redirect(url_for(".index"))


@portal.route("/shift/<int:shift_id>/signup", methods=["POST"])
@portal_login_required
def sign_up(shift_id):
    vol = _me()
    shift = Shift.get_or_none(Shift.id == shift_id)
    if vol is None or shift is None or services._district_id(shift) != services._district_id(vol):
        abort(404)
    try:
        signup = services.sign_up(Context.current("portal"), shift, vol)
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        if signup.state == "waiting":
            flash(_("The shift is full: you are on the waiting list."), "info")
        else:
            flash(_("You have signed up."), "success")
    return redirect(url_for(".index"))


@portal.route("/signup/<int:signup_id>/cancel", methods=["POST"])
@portal_login_required
def cancel(signup_id):
    return _signup_action(
        signup_id,
        lambda s: services.cancel_signup(Context.current("portal"), s),
        _("Your sign-up was cancelled."),
    )


@portal.route("/signup/<int:signup_id>/checkin", methods=["POST"])
@portal_login_required
def check_in(signup_id):
    return _signup_action(
        signup_id,
        lambda s: services.check_in(Context.current("portal"), s),
        _("You have checked in."),
    )


@portal.route("/signup/<int:signup_id>/checkout", methods=["POST"])
@portal_login_required
def check_out(signup_id):
    return _signup_action(
        signup_id,
        lambda s: services.check_out(Context.current("portal"), s),
        _("You have checked out; show the confirmation code to the person you served."),
    )


@portal.route("/log", methods=["GET", "POST"])
@portal_login_required
def log():
    vol = _me()
    if vol is None:
        return redirect(url_for(".index"))
    form = LogForm()
    if form.validate_on_submit():
        record = ServiceRecord(
            volunteer=vol,
            unit=vol.unit_id,
            started_at=services.to_utc(form.started_at.data),
            ended_at=services.to_utc(form.ended_at.data),
            minutes=form.minutes.data,
            content=form.content.data,
            service_type=form.service_type.data,
            target_group=form.target_group.data,
            served_name=form.served_name.data or "",
            source="volunteer",
        )
        try:
            services.log_record(Context.current("portal"), record)
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Saved. Show the confirmation code to the person you served."), "success")
            return redirect(url_for(".record", record_id=record.id))
    return render_template("timebank/portal_form.html", form=form, title=_("Log a service"))


@portal.route("/record/<int:record_id>")
@portal_login_required
def record(record_id):
    vol = _me()
    rec = _mine_or_404(ServiceRecord, record_id, vol)
    qr = link = None
    if rec.status == "pending_confirmation":
        link = confirm_link(rec, _external=True)
        qr = reports.qr_svg(link)
    return render_template(
        "timebank/portal_record.html",
        rec=rec,
        qr=qr,
        link=link,
        fmt=rules.format_minutes,
        local=services.to_local,
        states=dict(RECORD_STATES),
        history=services.history(rec),
    )


@portal.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_on_portal(token):
    """Links printed before the confirmation page went public still work."""
    rec = ServiceRecord.get_or_none(ServiceRecord.confirm_token == token)
    if rec is None:
        return redirect(url_for("timebank_public.confirm", token=token), code=308)
    return redirect(confirm_link(rec), code=308)


def confirm_link(rec: ServiceRecord, **options) -> str:
    """The QR code's link: public, naming the record's district (a person without an
    account has no district of their own)."""
    district = TerritoryUnit.get_by_id(services.district_of_record(rec))
    return url_for(
        "timebank_public.confirm", token=rec.confirm_token, district=district.code, **options
    )


@public.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    """服务对象确认: the person served (or a proxy) opens the QR link the volunteer shows and
    confirms, with or without an account. The link is the credential: it shows that one
    record only, works once, and expires with the confirmation time limit."""
    rec = ServiceRecord.get_or_none(ServiceRecord.confirm_token == token)
    form = ConfirmForm(token=token)
    done = False
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.confirm_record(
                Context.current("portal"), form.token.data, form.name.data, form.method.data
            )
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Thank you: the service is confirmed."), "success")
            done = True
    return render_template(
        "timebank/portal_confirm.html",
        rec=rec,
        form=form,
        done=done,
        fmt=rules.format_minutes,
        local=services.to_local,
    )


@portal.route("/history")
@portal_login_required
def history():
    vol = _me()
    if vol is None:
        return redirect(url_for(".index"))
    return render_template(
        "timebank/portal_history.html",
        vol=vol,
        balances=services.balances(vol),
        movements=services.statement(vol, 100),
        kinds=dict(ACCOUNT_KINDS),
        transfer_kinds=dict(TRANSFER_KINDS),
        fmt=rules.format_minutes,
        local=services.to_local,
    )


@portal.route("/gift", methods=["GET", "POST"])
@portal_login_required
def gift():
    vol = _me()
    if vol is None:
        return redirect(url_for(".index"))
    form = GiftForm()
    if form.validate_on_submit():
        receiver = (
            Volunteer.select()
            .where(
                (Volunteer.id_number == normalize_id_card(form.receiver_id_number.data))
                & Volunteer.status.in_(["active", "suspended", "left"])
            )
            .first()
        )
        try:
            if receiver is None:
                raise ServiceError(_("Nobody with this ID card number has a time bank account."))
            services.gift(
                Context.current("portal"), vol, receiver, form.minutes.data, form.relationship.data
            )
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(_("The credits were transferred."), "success")
            return redirect(url_for(".history"))
    return render_template(
        "timebank/portal_form.html", form=form, title=_("Give credits to a relative")
    )


@portal.route("/donate", methods=["GET", "POST"])
@portal_login_required
def donate():
    vol = _me()
    if vol is None:
        return redirect(url_for(".index"))
    form = DonateForm()
    if form.validate_on_submit():
        try:
            services.donate(Context.current("portal"), vol, form.minutes.data)
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Thank you for your donation to the community pool."), "success")
            return redirect(url_for(".history"))
    return render_template(
        "timebank/portal_form.html", form=form, title=_("Donate credits to the community pool")
    )


def portal_tasks(user, district) -> list[Task]:
    """A volunteer's shifts to attend and records waiting for confirmation."""
    vol = services.volunteer_of(user)
    if vol is None or district is None or services._district_id(vol) != district.id:
        return []
    tasks = []
    for signup in (
        SignUp.select(SignUp, Shift)
        .join(Shift)
        .where((SignUp.volunteer == vol.id) & SignUp.state.in_(["signed", "checked_in"]))
        .order_by(Shift.starts_at)
        .limit(10)
    ):
        start = services.to_local(signup.shift.starts_at)
        tasks.append(
            Task(
                _(
                    "Shift at %(time)s: %(title)s",
                    time=f"{start:%m-%d %H:%M}",
                    title=signup.shift.activity.title,
                ),
                "/portal/timebank/",
                "timebank",
                start.date(),
            )
        )
    for rec in ServiceRecord.select().where(
        (ServiceRecord.volunteer == vol.id) & (ServiceRecord.status == "pending_confirmation")
    ):
        tasks.append(
            Task(
                _("Ask the person served to confirm: %(content)s", content=rec.content[:30]),
                f"/portal/timebank/record/{rec.id}",
                "timebank",
            )
        )
    return tasks


# -- public certificate pages (无需登录) --------------------------------------------------------


def _certificate(number: str) -> Certificate:
    """The full certificate (with the ID number) is for the volunteer and for staff whose
    scope covers it; anyone else gets the masked verification page."""
    cert = Certificate.get_or_none(Certificate.number == (number or "").strip().upper())
    if cert is None:
        abort(404)
    if not current_user.is_authenticated:
        abort(404)
    vol = cert.volunteer
    if vol.user_id == current_user.id:
        return cert
    access = g.get("access")
    visible = access is not None and (
        Certificate.select()
        .where(
            (Certificate.id == cert.id) & access.scope_condition(Certificate, "timebank", "read")
        )
        .exists()
    )
    if not visible:
        abort(404)
    return cert


@public.route("/verify")
def verify():
    number = request.args.get("number", "").strip().upper()
    cert = Certificate.get_or_none(Certificate.number == number) if number else None
    return render_template(
        "timebank/public_verify.html",
        number=number,
        cert=cert,
        view=reports.public_view(cert) if cert else None,
    )


@public.route("/certificate/<number>")
def certificate(number):
    cert = _certificate(number)
    return render_template("timebank/certificate.html", c=reports.public_view(cert, full=True))


@public.route("/certificate/<number>.pdf")
def certificate_pdf(number):
    return reports.print_certificate(_certificate(number), pdf=True)
