"""WTForms of the time bank's portal pages and admin pages (Flask-WTF: CSRF on every form).

They check the shape of what was typed; the rules (overlaps, daily maximum, balances, policy)
are applied by the services, whose refusals are shown beside the form.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from core.choices import options
from core.i18n import lazy_gettext as _l
from forms.validators import id_card_problem, mobile_problem

from .models import Activity, Volunteer

REQUIRED = _l("This field is required.")


def _id_card(form, field):
    from core.i18n import gettext as _

    problem = id_card_problem(field.data)
    if problem:
        raise ValidationError(_(problem))


def _mobile(form, field):
    from core.i18n import gettext as _

    problem = mobile_problem(field.data)
    if problem:
        raise ValidationError(_(problem))


def dictionary_choices(model_field):
    """The items of a dictionary field (字典) in the district of the page."""
    from flask import g

    from forms.dictionaries import field_choices

    return options(field_choices(model_field, g.get("district_id")) or [])


class RegisterForm(FlaskForm):
    """志愿者注册 Self-registration on the portal."""

    name = StringField(_l("Name"), [InputRequired(REQUIRED), Length(max=64)])
    id_number = StringField(_l("ID card number"), [InputRequired(REQUIRED), _id_card])
    mobile = StringField(_l("Mobile phone"), [InputRequired(REQUIRED), _mobile])
    community = SelectField(_l("Community"), [InputRequired(REQUIRED)], choices=[])
    source = SelectField(_l("Source"), choices=[], default="resident")
    skills = StringField(_l("Skills"), [Optional(), Length(max=200)])
    availability = StringField(_l("Availability"), [Optional(), Length(max=200)])
    national_number = StringField(_l("National volunteer number"), [Optional(), Length(max=32)])
    consent = BooleanField(
        _l(
            "I agree that my name, ID card number, phone and service records are recorded and "
            "used for volunteer service, and passed to the national volunteer service system."
        ),
        [InputRequired(_l("You must agree before registering."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source.choices = dictionary_choices(Volunteer.source)


class LogForm(FlaskForm):
    """登记服务 Log a service."""

    started_at = DateTimeLocalField(
        _l("Started at"), [InputRequired(REQUIRED)], format="%Y-%m-%dT%H:%M"
    )
    ended_at = DateTimeLocalField(
        _l("Ended at"), [InputRequired(REQUIRED)], format="%Y-%m-%dT%H:%M"
    )
    minutes = IntegerField(
        _l("Minutes served (without travel)"),
        [
            Optional(),
            NumberRange(min=1, message=_l("The service time must be more than zero minutes.")),
        ],
    )
    content = TextAreaField(_l("Service content"), [InputRequired(REQUIRED), Length(max=2000)])
    service_type = SelectField(_l("Service type"), choices=[], default="daily_care")
    target_group = SelectField(_l("Served group"), choices=[], default="elderly")
    served_name = StringField(_l("Person served"), [Optional(), Length(max=64)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.service_type.choices = dictionary_choices(Activity.service_type)
        self.target_group.choices = dictionary_choices(Activity.target_group)


class StaffLogForm(LogForm):
    volunteer = IntegerField(_l("Volunteer number"), [InputRequired(REQUIRED)])
    organiser_confirmed = BooleanField(_l("Confirmed by me as the organiser"))


class ConfirmForm(FlaskForm):
    """服务确认 Confirm a service after scanning its code."""

    token = HiddenField()
    name = StringField(_l("Your name"), [InputRequired(REQUIRED), Length(max=64)])
    method = SelectField(
        _l("I am"),
        choices=options(
            [
                ("served", _l("The person served")),
                ("proxy", _l("A proxy for the person served")),
            ]
        ),
        default="served",
    )


class GiftForm(FlaskForm):
    """转赠 Transfer credits to a relative."""

    receiver_id_number = StringField(
        _l("Receiver's ID card number"), [InputRequired(REQUIRED), _id_card]
    )
    relationship = SelectField(
        _l("Relationship"),
        choices=options(
            [
                ("spouse", _l("Spouse")),
                ("parent", _l("Parent")),
                ("child", _l("Child")),
                ("grandparent", _l("Grandparent")),
                ("grandchild", _l("Grandchild")),
                ("other", _l("Other")),
            ]
        ),
    )
    minutes = IntegerField(_l("Minutes"), [InputRequired(REQUIRED)])


class DonateForm(FlaskForm):
    """捐赠 Donate credits to the community pool."""

    minutes = IntegerField(_l("Minutes"), [InputRequired(REQUIRED)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), [Optional(), Length(max=200)])


class LedgerForm(FlaskForm):
    """记账 Staff redeem credits for a service, or grant credits from the pool."""

    operation = SelectField(
        _l("Operation"),
        choices=options(
            [("spend", _l("Redeem a service")), ("grant", _l("Grant from the community pool"))]
        ),
    )
    volunteer = IntegerField(_l("Volunteer number"), [InputRequired(REQUIRED)])
    minutes = IntegerField(_l("Minutes"), [InputRequired(REQUIRED)])
    memo = StringField(_l("Service or reason"), [InputRequired(REQUIRED), Length(max=200)])


class IssueForm(FlaskForm):
    """出具证明 Issue a service record certificate."""

    volunteer = IntegerField(_l("Volunteer number"), [InputRequired(REQUIRED)])
    period_start = DateField(_l("Period from"), [InputRequired(REQUIRED)])
    period_end = DateField(_l("Period to"), [InputRequired(REQUIRED)])
    issuer_name = StringField(
        _l("Issuing organisation"), [InputRequired(REQUIRED), Length(max=100)]
    )
    issuer_head = StringField(_l("Head of the organisation"), [Optional(), Length(max=64)])
    issuer_contact = StringField(_l("Contact"), [Optional(), Length(max=64)])
