"""The volunteer service record certificate (志愿服务记录证明) as HTML and PDF, and the
confirmation QR code.

The certificate carries the four blocks of 民发〔2015〕149号: the volunteer's identity (name,
type and number of the identity document, volunteer number), the service (hours, content,
period), the issuer (organisation, head, handler, contact), and the certificate number and
date of issue. PDFs use reportlab's built-in Chinese font (STSong-Light), so no font file
has to be installed.
"""

from __future__ import annotations

import io

import segno

from core.i18n import gettext as _
from forms.validators import mask_id_card

from . import rules
from .models import Certificate


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
