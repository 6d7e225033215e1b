"""The request context (请求上下文): who is asking and in which district (当前辖区) they work.

Put in ``flask.g`` before every request (``access``, ``districts``, ``district``,
``district_id``, ``enabled_plugins``) and by the CLI and the test kit when they act as a user.
Web layer: it reads the session and the logged-in user.
"""

from __future__ import annotations

from flask import g, request, session
from flask_login import current_user

from core import territory
from core.access import Access
from core.models import TerritoryUnit, User
from core.registry import kernel_state


def load_request_context() -> None:
    """Work out who is asking and in which district (当前辖区) they work."""
    state = kernel_state()
    user = current_user._get_current_object() if current_user.is_authenticated else None
    access = Access(user)
    g.access = access
    allowed = access.district_ids()
    query = territory.districts()
    if allowed is not None:
        query = query.where(TerritoryUnit.id.in_(allowed or [0]))
    g.districts = list(query) if user else []
    chosen = session.get("district_id")
    district = next((d for d in g.districts if d.id == chosen), None)
    if district is None and g.districts:
        district = g.districts[0]
    if district is None and user is None:
        district = district_from_request()
    g.district = district
    g.district_id = district.id if district else None
    g.enabled_plugins = state.enabled_plugins(g.district_id)


def current_actor() -> User | None:
    """The user of the current request (None when nobody is logged in), for the admin and
    portal views that pass the actor to a service."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def district_from_request():
    """Anonymous portal pages name their district with ``?district=CODE`` or the session."""
    code = request.args.get("district") or session.get("portal_district")
    if not code:
        return None
    unit = TerritoryUnit.get_or_none(
        (TerritoryUnit.code == code) & (TerritoryUnit.level == "district")
    )
    if unit is not None:
        session["portal_district"] = unit.code
    return unit
