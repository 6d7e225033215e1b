"""Hook specifications (钩子规范): the whole contract between the core and a plugin.

Two kinds of hooks:

* Registration hooks are called once at start-up for every active plugin; whatever a plugin
  returns is attributed to it (``linli plugins list`` and the admin show which plugin
  contributed which model, view or setting).
* Runtime hooks are called only for the plugins enabled in the district of the current
  request (``PluginManager.subset_hook_caller``), plus the core itself.

Every hook is documented with its exact signature in ``docs/hooks.md``; a test fails when
this file and that document differ.
"""

import pluggy

hookspec = pluggy.HookspecMarker("linli")
hookimpl = pluggy.HookimplMarker("linli")


# --- registration hooks (start-up) ---------------------------------------------------------


@hookspec
def linli_models():
    """Return the peewee model classes the plugin owns (single source of truth for fields).

    Table names must start with the plugin id, for example ``timebank_transfer``.
    """


@hookspec
def linli_migrations():
    """Return the path of the folder holding the plugin's numbered migration scripts.

    The folder is applied with ``playhouse.migrations`` and has its own history table.
    """


@hookspec
def linli_territory_levels():
    """Return :class:`core.territory.Level` objects for finer territory units.

    A plugin may hang units below the core's building level, for example unit (单元) or
    household (户). Each level names the levels it may be placed under.
    """


@hookspec
def linli_admin_views(admin):
    """Return Flask-Admin view instances; model views subclass ``core.admin.ModelView``.

    ``admin`` is the :class:`core.admin.AdminContext` giving the plugin's menu category.
    Views are registered at start-up and hidden at run time in districts where the plugin is
    not enabled.
    """


@hookspec
def linli_schemas():
    """Return a dict mapping model classes to marshmallow schema classes.

    Each pair becomes a REST resource under ``/api/v1/<plugin>/<name>`` (list, retrieve,
    create, update, delete, workflow steps), a part of the OpenAPI document, and spreadsheet
    import and export; the core applies permissions, data scope, masking, custom fields and
    audit. Optional schema attributes: ``linli_operations``, ``linli_scope_through``.
    """


@hookspec
def linli_rules():
    """Return :class:`core.commands.Rules` subclasses: the rules of the plugin's models.

    Each names its ``model`` (one of the plugin's own) and holds that model's field checks
    and record rules. Every write path — admin, API, import, portal, CLI, jobs — runs them
    through the commands of :mod:`core.commands`; a rule in an admin view would hold on the
    admin only.
    """


@hookspec
def linli_permissions():
    """Return extra :class:`core.access.Action` objects the plugin declares.

    The standard actions (read, create, update, delete, export, import, approve) exist for
    every plugin; return only additional ones, for example ``confirm_hours``.
    """


@hookspec
def linli_settings():
    """Return :class:`core.settings.Setting` objects: per-district settings with defaults.

    Every number that differs between cities is declared here, with its default documented.
    """


@hookspec
def linli_blueprints():
    """Return Flask blueprints (portal pages, API additions) to register at start-up.

    Requests to a blueprint of a plugin that is not enabled for the district answer 404.
    """


@hookspec
def linli_commands():
    """Return click commands or groups to add under the ``linli`` command."""


@hookspec
def linli_translations():
    """Return the path of the plugin's ``translations`` folder (gettext catalogues)."""


@hookspec
def linli_notification_channels():
    """Return :class:`core.notifications.Channel` objects that deliver notifications.

    The in-app inbox is always on; a channel (SMS, WeChat, e-mail...) also receives every
    notification for the users it can reach. A channel that fails must raise; the failure is
    logged and the inbox copy stays.
    """


@hookspec
def linli_demo_data(district, actor):
    """Create demonstration records for ``district`` (a territory unit) as ``actor``.

    Called by ``linli demo`` for every active plugin after the demo territory exists; must be
    idempotent: a second call creates nothing new.
    """


# --- runtime hooks (only for plugins enabled in the current district) ----------------------


@hookspec
def linli_event(event):
    """React to a :class:`core.events.Event` (created, updated, deleted, state changed...).

    The core's audit writer is one subscriber. Subscribers must not raise for events they do
    not care about.
    """


@hookspec
def linli_scope_query(model, query, user):
    """Return a peewee expression that narrows ``query`` on ``model`` for ``user``, or None.

    Results are combined with AND on top of the core data scope, so a plugin can only narrow
    what a user sees, never widen it.
    """


@hookspec
def linli_permission_check(user, plugin, action, record):
    """Return False to refuse ``action`` of ``plugin`` (on ``record`` when given), else None.

    Called after the role check passed; any single False refuses.
    """


@hookspec
def linli_dashboard_widgets(district, user):
    """Return :class:`core.dashboard.Widget` objects for the admin index page of ``district``.

    Figures must respect ``user``'s data scope.
    """


@hookspec
def linli_portal_tasks(user, district):
    """Return :class:`core.portal.Task` objects: what ``user`` has to do in ``district``.

    The field portal's home page lists the tasks of every enabled module, most urgent first.
    """


@hookspec
def linli_overdue_items(district):
    """Return :class:`core.notifications.OverdueItem` objects: work past its deadline.

    ``linli notify`` escalates each one to the supervising unit (the parent of the item's
    unit) and reminds the responsible user.
    """


@hookspec
def linli_overdue_page(district, units_for, responsible_id, limit):
    """Return a :class:`core.notifications.OverduePage`: how many of the plugin's overdue
    items are in view, and the ``limit`` earliest-due of them, counted, sorted and cut by the
    database (the dashboard's overdue table and the to-do list, at city scale: a district
    may have tens of thousands of overdue hazards).

    ``units_for(plugin)`` is a sub-select of the ids of the units in view for ``plugin``;
    ``responsible_id`` keeps only the items whose responsible user it is (``None``: anyone's).
    A plugin that implements this hook is not asked ``linli_overdue_items`` by those two
    surfaces (``linli notify`` still asks it for every item).
    """


@hookspec
def linli_todo_items(user, access, district):
    """Return :class:`core.todo.TodoItem` objects: work waiting for ``user`` in ``district``
    outside the workflows (objections to answer...), each with a link to the record.

    Workflow steps are found by the core from the workflow registry (:mod:`core.todo`);
    return only what ``access`` lets the user handle, in their data scope.
    """


@hookspec
def linli_personal_data(user):
    """Return :class:`core.privacy.Section` objects: the records of ``user`` the plugin holds.

    For a person's copy of their own personal information (《个人信息保护法》第四十五条): a
    section is a title, translated column headers and rows of plain values
    (``core.privacy.records_section`` builds one from model fields). Only records that belong
    to ``user`` (linked by a foreign key to the account, or to a record linked to it), never
    another person's. Called for the core and every active plugin.
    """


@hookspec
def linli_erase_personal_data(user, pseudonym):
    """Erase or pseudonymise the personal information of ``user`` the plugin holds (删除,
    《个人信息保护法》第四十七条); return ``{table name: records changed}``.

    Names become ``pseudonym`` (``已删除用户#<id>``); ID numbers, phones and addresses are
    cleared. Evidence stays: append-only tables are never updated (their rows point to the
    pseudonymised records). Runs inside the erasure's transaction, for the core and every
    active plugin; raising rolls the whole erasure back.
    """
