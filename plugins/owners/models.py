"""The models of the owners' plugin (业主大会), gathered from its subjects for the
``linli_models`` hook. Each model is declared whole in its subject's ``models.py``:

- :mod:`.register.models`: owners, units (专有部分), ownerships;
- :mod:`.assembly.models`: meetings, matters, the ballot log, provisional requests, proxies,
  paper ballot entries;
- :mod:`.committees.models`: residents' committee notices, preparatory groups, committees and
  their members;
- :mod:`.fund.models`: the maintenance fund's accounts, proposals, shares and ledger;
- :mod:`.property.models`: property companies, contracts, service models, complaints,
  disputes, joint meetings.

Table names start with ``owners_`` (they are the public contract, with migrations/owners/).
"""

from __future__ import annotations

from .assembly.models import MODELS as ASSEMBLY
from .committees.models import MODELS as COMMITTEES
from .fund.models import MODELS as FUND
from .property.models import MODELS as PROPERTY
from .register.models import MODELS as REGISTER

MODELS = [*REGISTER, *ASSEMBLY, *COMMITTEES, *FUND, *PROPERTY]
