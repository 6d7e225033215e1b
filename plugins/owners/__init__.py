"""Owners' assembly voting (业主大会表决, 《民法典》第二百七十八条).

A register of exclusive units (专有部分) with their area and its source, owners and co-owners;
meetings with a frozen agenda after notice; ballots per unit, changeable until voting closes,
kept in a hash-chained append-only log (``linli owners verify``); a tally with separate
counters for area and heads.

The plugin is cut by subject, each subpackage with the same parts inside, as it needs them
(``models.py``, ``rules.py``, ``commands.py``, ``services.py``, ``reports.py``,
``schemas.py``, ``forms.py``, ``admin.py``, ``views.py``, ``importer.py``):

- ``register/``: units (专有部分), owners, co-owners and the register import (业主名册);
- ``assembly/``: meetings, matters, ballots, proxies, paper entries, the tally, the
  verification of the log, publication and filing (业主大会);
- ``committees/``: the preparatory group, committees, terms, and the notices to the
  residents' committee (业主委员会);
- ``fund/``: the maintenance fund's accounts, proposals, ledger and statements (维修资金);
- ``property/``: companies, contracts, complaints, disputes, joint meetings (物业服务);
- ``shared/``: what every subject builds on (the command context of a service, settings
  lookup, events, the admin base view).

The records' rules are each subject's ``commands.py`` (:class:`core.commands.Rules`, run by
every write path); the operations and steps are its ``services.py``; what it reads and
reports is its ``reports.py``. The top-level ``models.py``, ``commands.py``, ``schemas.py``,
``admin.py`` and ``views.py`` gather the subjects' lists; this module only wires the hooks.
"""

from __future__ import annotations

from pathlib import Path

from core.hookspecs import hookimpl
from core.kernel import Manifest

MANIFEST = Manifest(
    id="owners",
    label_zh="业主大会",
    label_en="Owners' assembly",
    version="0.1.0",
    description="Unit and owner register, owners' assembly meetings and verifiable voting",
)

HERE = Path(__file__).parent


@hookimpl
def linli_models():
    from .models import MODELS

    return MODELS


@hookimpl
def linli_migrations():
    return HERE.parent.parent / "migrations" / "owners"


@hookimpl
def linli_rules():
    from .commands import RULES

    return RULES


@hookimpl
def linli_admin_views(admin):
    from .admin import admin_views

    return admin_views(admin)


@hookimpl
def linli_schemas():
    from .schemas import SCHEMAS

    return SCHEMAS


@hookimpl
def linli_settings():
    from .settings import SETTINGS

    return SETTINGS


@hookimpl
def linli_blueprints():
    from .views import blueprints

    return blueprints()


@hookimpl
def linli_commands():
    from .cli import owners

    return [owners]


@hookimpl
def linli_translations():
    return HERE / "translations"


@hookimpl
def linli_demo_data(district, actor):
    from .demo import load

    return load(district, actor)


@hookimpl
def linli_overdue_items(district):
    """Results not published in time, committees not filed in time, terms expired; committees
    whose term ends soon are announced to the community's staff (core notifications)."""
    from .assembly.reports import overdue_items as assembly_items
    from .committees.reports import overdue_items as committee_items

    return [*assembly_items(district), *committee_items(district)]


@hookimpl
def linli_event(event):
    from .fund.services import on_event

    on_event(event)


@hookimpl
def linli_personal_data(user):
    from .privacy import personal_data

    return personal_data(user)


@hookimpl
def linli_erase_personal_data(user, pseudonym):
    from .privacy import erase_personal_data

    return erase_personal_data(user, pseudonym)
