"""Separation of duties (职责分离): one account may not do two of the steps that check each
other — log / confirm / approve a service record (时间银行), report / rectify / accept a
hazard (隐患), enter / check a paper ballot (书面表决票, always two people). GB/T 22239-2019
8.1.4.2 asks for least privilege and mutually checking roles; the district setting
``separation_of_duties`` (on by default) lets a very small community switch the extra checks
off, never the ones the law itself asks for (rectifier ≠ acceptor, two keyings of a ballot).

Feature of the core: it contributes the setting, and plugins' workflow guards ask
:func:`same_hand`.
"""

from __future__ import annotations

from core.settings import Setting

SETTINGS = [
    Setting(
        "separation_of_duties",
        bool,
        True,
        "职责分离：同一账号不得既登记又确认、审核，既上报又验收",
        "Separation of duties: one account may not both log and confirm or approve, or "
        "report and accept",
        "GB/T 22239-2019 8.1.4.2 (最小权限、权限分离). On by default.",
    )
]


def enforced(district_id: int | None) -> bool:
    """Whether the district separates duties (the default when it has not decided)."""
    from flask import has_app_context

    if district_id is None or not has_app_context():
        return True
    from core.registry import kernel_state

    return bool(kernel_state().settings.get(district_id, "core", "separation_of_duties"))


def same_hand(record, actor, *earlier_ids) -> bool:
    """Whether ``actor`` already did one of the earlier steps of ``record`` (their user ids),
    in a district that separates duties."""
    actor_id = getattr(actor, "id", None)
    if actor_id is None or actor_id not in earlier_ids:
        return False
    unit = getattr(record, "unit", None)
    return enforced(getattr(unit, "district_id", None))
