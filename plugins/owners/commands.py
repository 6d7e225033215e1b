"""The rules of the owners' plugin's records (记录规则), gathered from its subjects for the
``linli_rules`` hook: :class:`core.commands.Rules` subclasses that :mod:`core.commands` runs
on every write path (admin, API, spreadsheet import, the plugin's own services).

- :mod:`.register.commands`: owners, units (专有部分), ownerships;
- :mod:`.assembly.commands`: meetings (changed only as drafts), matters (the agenda frozen once
  noticed), provisional-meeting requests;
- :mod:`.fund.commands`: the maintenance fund's account (one per compound);
- :mod:`.property.commands`: companies, contracts, service models, disputes, joint meetings.

The committees have no plain records: groups, committees and members are written by the
operations of :mod:`.committees.services`.
"""

from __future__ import annotations

from .assembly.commands import RULES as ASSEMBLY
from .fund.commands import RULES as FUND
from .property.commands import RULES as PROPERTY
from .register.commands import RULES as REGISTER

RULES = [*REGISTER, *ASSEMBLY, *FUND, *PROPERTY]
