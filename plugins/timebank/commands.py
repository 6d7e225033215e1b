"""The rules of the time bank's catalogue records (记录规则), run by :mod:`core.commands` on
every write path — admin, API, spreadsheet import — so that none of them can skip one.

Volunteers, sign-ups, service records, the ledger and certificates change only through the
operations of ``services.py``; teams, activities, shifts and service requests are kept as
records, and these are their rules.
"""

from __future__ import annotations

from core.checks import Range
from core.commands import Rules, refuse
from core.i18n import lazy_gettext as _l

from .models import Shift


class ShiftRules(Rules):
    """班次: it ends after it starts and has at least one place."""

    model = Shift
    batch_import = True  # its rules read only the row: an import writes shifts in batches
    checks = {"capacity": (Range(minimum=1, message=_l("A shift needs at least one place.")),)}

    def validate(self, ctx, record, before):
        if record.starts_at and record.ends_at and record.ends_at <= record.starts_at:
            raise refuse("The end of the shift must be after its start.", field="ends_at")


RULES = [ShiftRules]
