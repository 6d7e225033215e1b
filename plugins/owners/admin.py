"""The admin views of the owners' plugin, gathered from its subjects for the
``linli_admin_views`` hook, in the order of the admin menu: the menu "业主大会" (the register,
the assembly, the committees, the fund, the register import) and the menu "物业服务"."""

from __future__ import annotations

from core.i18n import lazy_gettext as _l

from .assembly.admin import admin_views as assembly_views
from .committees.admin import admin_views as committee_views
from .fund.admin import admin_views as fund_views
from .property.admin import admin_views as property_views
from .register.admin import admin_views as register_views

# the admin menu, by endpoint; views not named here follow in their subject's order
MENU = (
    "owners_owner",
    "owners_premises",
    "owners_ownership",
    "owners_meeting",
    "owners_matter",
    "owners_ballot_log",
    "owners_rc_notice",
    "owners_provisional_request",
    "owners_proxy",
    "owners_paper_entry",
    "owners_prep_group",
    "owners_prep_member",
    "owners_committee",
    "owners_committee_member",
    "owners_calculator",
    "owners_fund_account",
    "owners_fund_proposal",
    "owners_fund_entry",
    "owners_property_company",
    "owners_service_contract",
    "owners_compound_service",
    "owners_complaint",
    "owners_dispute",
    "owners_joint_meeting",
    "owners_import",
)


def admin_views(admin) -> list:
    category = _l("Owners' assembly")
    views = [
        *register_views(category),
        *assembly_views(category),
        *committee_views(category),
        *fund_views(category),
        *property_views(_l("Property service")),
    ]
    place = {endpoint: n for n, endpoint in enumerate(MENU)}
    return sorted(views, key=lambda view: place.get(view.endpoint, len(MENU)))
