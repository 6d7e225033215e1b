"""Public pages (公开查询): anyone, without logging in, finds an organisation by the start of
its name, its credit code or its filing number, and sees its status and whether it is on a
credit list. Anonymous visitors name the district with ``?district=CODE`` (see
:func:`core.app._district_from_request`)."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request

from core.i18n import Label
from core.workdays import today
from forms.dictionaries import field_label

from . import rules, services
from .flows import ORG_FLOW
from .models import LEGAL_FORMS, LIST_KINDS, ORG_TYPES, CreditListing, Organisation

bp = Blueprint(
    "socialorgs_public",
    __name__,
    url_prefix="/public/socialorgs",
    template_folder="templates",
)
bp.portal_label = Label("社会组织公开查询", "Social organisation search")

MAX_QUERY = 100


def _listed(orgs: list[Organisation]) -> dict[int, list[str]]:
    """Organisation id -> the kinds of the credit lists it is on, for a page of results in one
    query (never one per result)."""
    kinds: dict[int, list[str]] = {}
    if not orgs:
        return kinds
    rows = (
        CreditListing.select(CreditListing.organisation, CreditListing.list_kind)
        .where(
            CreditListing.organisation.in_([o.id for o in orgs]) & (CreditListing.state == "listed")
        )
        .order_by(CreditListing.id)
        .tuples()
    )
    for org_id, kind in rows:
        kinds.setdefault(org_id, []).append(kind)
    return kinds


def _row(org: Organisation, listed: list[str]) -> dict:
    return {
        "org": org,
        "identifier": rules.org_identifier(org.credit_code, org.filing_number),
        "legal_form": dict(LEGAL_FORMS).get(org.legal_form, ""),
        "type": dict(ORG_TYPES).get(org.org_type, ""),
        "category": field_label(Organisation.category, org.category, g.get("district_id")),
        "state": ORG_FLOW.state_label(org.state),
        "lists": [dict(LIST_KINDS).get(kind) for kind in listed],
        "grade_valid": bool(
            org.grade and org.grade_valid_until and org.grade_valid_until >= today()
        ),
    }


@bp.route("/")
def search():
    district = g.get("district")
    if district is None:
        abort(404)
    text = (request.args.get("q") or "").strip()[:MAX_QUERY]
    found = services.public_search(district.id, text) if text else []
    listed = _listed(found)
    results = [_row(o, listed.get(o.id, [])) for o in found]
    return render_template(
        "socialorgs/public_search.html", q=text, results=results, district=district
    )


def blueprints() -> list[Blueprint]:
    return [bp]
