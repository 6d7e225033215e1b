"""The marshmallow schemas of the owners' plugin (API, export), gathered from its subjects for
the ``linli_schemas`` hook. All read-only; the fund and the property service have none."""

from __future__ import annotations

from .assembly.schemas import SCHEMAS as ASSEMBLY
from .committees.schemas import SCHEMAS as COMMITTEES
from .register.schemas import SCHEMAS as REGISTER

SCHEMAS = {**REGISTER, **ASSEMBLY, **COMMITTEES}
