"""The portal and public pages of the owners' plugin, gathered from its subjects for the
``linli_blueprints`` hook: the owners' voting pages and the public ballot list
(:mod:`.assembly.views`) and the property-service complaints (:mod:`.property.views`)."""

from __future__ import annotations

from flask import Blueprint

from .assembly.views import portal, public
from .property.views import service_portal


def blueprints() -> list[Blueprint]:
    return [portal, public, service_portal]
