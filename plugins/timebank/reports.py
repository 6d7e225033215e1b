"""What the time bank reports (报表): the dashboard widgets (志愿服务看板) — registered
volunteers as a share of the resident population against the district's target, approved hours
per month, teams and stations, the approval queue — and the volunteer service record
certificate (志愿服务记录证明) as HTML and PDF, with its confirmation QR code.

The certificate carries the four blocks of 民发〔2015〕149号: the volunteer's identity (name,
type and number of the identity document, volunteer number), the service (hours, content,
period), the issuer (organisation, head, handler, contact), and the certificate number and
date of issue. PDFs use reportlab's built-in Chinese font (STSong-Light), so no font file
has to be installed.
"""

from __future__ import annotations

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


def pdf(cert: Certificate) -> bytes:
    """The printable certificate as a one-page A4 PDF."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    c = public_view(cert, full=True)
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setTitle(f"志愿服务记录证明 {c['number']}")
    width, height = A4
    page.setFont(font, 22)
    page.drawCentredString(width / 2, height - 40 * mm, "志愿服务记录证明")
    page.setFont(font, 11)
    page.drawRightString(width - 25 * mm, height - 52 * mm, f"证明编号：{c['number']}")
    lines = [
        f"姓名：{c['name']}",
        f"证件类型及号码：居民身份证 {c['id_number']}",
        f"志愿者编号：{c['volunteer_number']}",
        f"服务期间：{c['period_start']:%Y年%m月%d日} 至 {c['period_end']:%Y年%m月%d日}",
        f"志愿服务时间：{c['hours_decimal']} 小时（{c['hours']}）",
        f"服务内容：{c['content']}",
        "",
        "兹证明该志愿者在上述期间参加志愿服务，以上记录真实、准确，本证明无偿出具。",
        "",
        f"出具单位：{c['issuer_name']}",
        f"负责人：{c['issuer_head']}    经办人：{c['handler_name']}",
        f"联系方式：{c['issuer_contact']}",
        f"出具日期：{c['issued_on']:%Y年%m月%d日}",
        "",
        f"查验：访问本平台 /timebank/verify?number={c['number']}&district={c['district']}",
    ]
    y = height - 70 * mm
    page.setFont(font, 13)
    for line in lines:
        page.drawString(25 * mm, y, line)
        y -= 10 * mm
    if c["revoked"]:
        page.setFont(font, 28)
        page.setFillColorRGB(0.8, 0, 0)
        page.drawCentredString(width / 2, 40 * mm, f"已撤销：{c['revoked_reason']}")
    page.showPage()
    page.save()
    return out.getvalue()
