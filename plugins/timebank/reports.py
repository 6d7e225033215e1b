"""What the time bank reports (报表): the dashboard widgets (志愿服务看板) — registered
volunteers as a share of the resident population against the district's target, approved hours
per month, teams and stations, the approval queue — and the volunteer service record
certificate (志愿服务记录证明) as HTML and PDF, with its confirmation QR code.

The certificate carries the four blocks of 民发〔2015〕149号: the volunteer's identity (name,
type and number of the identity document, volunteer number), the service (hours, content,
period), the issuer (organisation, head, handler, contact), and the certificate number and
date of issue. It prints through :mod:`core.printing` (a print view and a WeasyPrint PDF with
an embedded Chinese font), with the approved service records it counts.
"""

from __future__ import annotations

import datetime as dt
import io

import peewee as pw
import segno
from flask import g

from core.dashboard import (
    Rate,
    Series,
    Trend,
    Widget,
    current_unit,
    last_months,
    month_labels,
    scoped,
    target,
    unit_ids,
)
from core.i18n import gettext as _
from core.models import TerritoryUnit
from core.territory import subtree_condition
from forms.validators import mask_id_card

from . import rules
from .models import PLUGIN, Certificate, ServiceRecord, Team, Volunteer

# -- dashboard (看板) --


def widgets(district, user) -> list[Widget]:
    access = g.get("access")
    if district is None or access is None or not access.can(PLUGIN, "read"):
        return []
    unit = current_unit(district)
    population = (
        TerritoryUnit.select(pw.fn.COALESCE(pw.fn.SUM(TerritoryUnit.population), 0))
        .where(
            TerritoryUnit.id.in_(unit_ids(PLUGIN, district=district))
            & (TerritoryUnit.level == "community")
            & subtree_condition(unit)
        )
        .scalar()
    )
    volunteers = scoped(Volunteer, PLUGIN, district=district).where(Volunteer.status == "active")
    count = volunteers.count()
    approved = scoped(ServiceRecord, PLUGIN, district=district).where(
        ServiceRecord.status == "approved"
    )
    hours = []
    for _label, start, end in last_months(6):
        from core.dashboard import _utc

        total = (
            approved.select(pw.fn.COALESCE(pw.fn.SUM(ServiceRecord.minutes), 0))
            .where(
                (ServiceRecord.started_at >= _utc(start)) & (ServiceRecord.started_at < _utc(end))
            )
            .scalar()
        )
        hours.append(round(int(total or 0) / 60, 1))
    teams = scoped(Team, PLUGIN, district=district).where(Team.active == True).count()  # noqa: E712
    pending = (
        scoped(ServiceRecord, PLUGIN, "approve", district=district)
        .where(ServiceRecord.status.in_(["pending_review", "pending_second"]))
        .count()
        if access.can(PLUGIN, "approve")
        else None
    )
    found: list[Widget] = [
        Rate(
            _("Registered volunteers among residents"),
            count,
            denominator=int(population or 0),
            target=target(PLUGIN, "volunteer_target_percent", district),
            note=_("%(n)s active volunteers, %(p)s residents", n=count, p=int(population or 0)),
            plugin=PLUGIN,
        ),
        Trend(
            _("Approved service hours per month"),
            labels=month_labels(6),
            series=[Series(_("Hours"), hours)],
            chart="bar",
            plugin=PLUGIN,
        ),
        Widget(
            _("Volunteer teams and stations"), teams, plugin=PLUGIN, url="/admin/timebank/team/"
        ),
    ]
    if pending is not None:
        found.append(
            Widget(
                _("Service records awaiting approval"),
                pending,
                plugin=PLUGIN,
                url="/admin/timebank/queue/",
            )
        )
    return found


# -- the service record certificate (志愿服务记录证明) --


def qr_svg(data: str) -> str:
    """An inline SVG QR code of ``data`` (error correction M, scale for a phone screen)."""
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", scale=6, xmldecl=False, svgns=True)
    return out.getvalue().decode()


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***: enough to recognise, not to identify."""
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def public_view(cert: Certificate, full: bool = False) -> dict:
    """What a certificate shows: everything for its holder and staff (``full``), masked
    identity for the public verification page."""
    vol = cert.volunteer
    return {
        "number": cert.number,
        "district": cert.number[2:].split("-")[0],
        "name": vol.name if full else mask_name(vol.name),
        "id_type": _("Resident identity card"),
        "id_number": vol.id_number if full else mask_id_card(vol.id_number),
        "volunteer_number": vol.national_number or f"{cert.unit_id}-{vol.id}",
        "hours": rules.format_minutes(cert.minutes),
        "hours_decimal": f"{cert.minutes / 60:.1f}",
        "content": cert.content,
        "period_start": cert.period_start,
        "period_end": cert.period_end,
        "issuer_name": cert.issuer_name,
        "issuer_head": cert.issuer_head,
        "handler_name": cert.handler_name,
        "issuer_contact": cert.issuer_contact,
        "issued_on": cert.issued_on,
        "revoked": cert.revoked_at is not None,
        "revoked_reason": cert.revoked_reason,
    }


def print_certificate(cert: Certificate, pdf: bool | None = None):
    """The printed certificate (core.printing): the certificate and the approved service
    records of its period it counts, as a print view or as PDF (``pdf``, or ``?format=pdf``).
    The caller checks that the user may see it in full."""
    from flask_babel import format_datetime

    from core import printing

    from .services import approved_records

    records = [
        {
            "started": format_datetime(
                r.started_at if r.started_at.tzinfo else r.started_at.replace(tzinfo=dt.UTC),
                "yyyy-MM-dd HH:mm",
            ),
            "content": r.content,
            "hours": f"{r.minutes / 60:.1f}",
        }
        for r in approved_records(cert.volunteer, cert.period_start, cert.period_end).order_by(
            ServiceRecord.started_at
        )
    ]
    title = _("Volunteer service record certificate")
    return printing.respond(
        "timebank/print_certificate.html",
        title=title,
        filename=f"{title} {cert.number}",
        pdf=pdf,
        c=public_view(cert, full=True),
        records=records,
    )
