"""The kernel registry (内核注册表): what the kernel knows about one application — its
plugins, their models, settings, actions and schemas — kept in ``app.extensions["linli"]``.

Data layer: every other layer may read it; it imports no web surface.
"""

from __future__ import annotations

from flask import current_app, g

from core.kernel import Kernel
from core.migrations import Migrations
from core.models import PluginDistrict
from core.settings import Registry


class KernelState:
    """Everything the kernel knows about this application, kept in ``app.extensions``."""

    def __init__(self, kernel: Kernel, migrations: Migrations, settings: Registry):
        self.kernel = kernel
        self.migrations = migrations
        self.settings = settings
        self.models: dict[str, list] = {}
        self.blueprint_plugins: dict[str, str] = {}
        self.actions: dict[str, list[str]] = {}  # plugin id -> actions users can be granted
        self.resources: dict[str, list[str]] = {}  # plugin id -> its resources (owners.owner)
        self._schemas: dict[str, dict] | None = None
        self._model_plugins: dict[type, str] | None = None

    def plugin_of(self, model: type) -> str | None:
        """The plugin that declared ``model`` in ``linli_models`` (``core`` for the core's)."""
        if self._model_plugins is None:
            self._model_plugins = {m: pid for pid, models in self.models.items() for m in models}
        return self._model_plugins.get(model)

    @property
    def schemas(self) -> dict[str, dict]:
        """Plugin id -> {model: marshmallow schema}, collected on first use (the API, import,
        export) rather than at start-up: importing marshmallow costs about 30 ms."""
        if self._schemas is None:
            self._schemas = {
                pid: dict(schemas)
                for pid, schemas in self.kernel.collect("linli_schemas", states=("active",))
            }
        return self._schemas

    # -- per-district switches --

    def enabled_plugins(self, district_id: int | None) -> set[str]:
        """Active plugins enabled for ``district_id`` (cached for the current request)."""
        if district_id is None:
            return set()
        cache = g.setdefault("_enabled_cache", {}) if _in_app_context() else {}
        if district_id not in cache:
            active = {info.id for info in self.kernel.ordered(("active",))}
            rows = PluginDistrict.select(PluginDistrict.plugin).where(
                (PluginDistrict.district == district_id) & PluginDistrict.enabled
            )
            cache[district_id] = {row.plugin for row in rows} & active
        return cache[district_id]

    def runtime(self, hook_name: str):
        return self.kernel.runtime(hook_name, g.get("enabled_plugins", set()))

    def hook_allows(self, user, plugin: str, action: str, record) -> bool:
        answers = self.runtime("linli_permission_check")(
            user=user, plugin=plugin, action=action, record=record
        )
        return all(answer is not False for answer in answers)

    def narrow(self, model, query, user):
        for condition in self.runtime("linli_scope_query")(model=model, query=query, user=user):
            if condition is not None:
                query = query.where(condition)
        return query

    def dashboard_widgets(self, district, user) -> list:
        widgets = []
        results = self.runtime("linli_dashboard_widgets")(district=district, user=user)
        for result in reversed(results):  # pluggy answers last-registered first; core first
            widgets.extend(result or [])
        return widgets


def _in_app_context() -> bool:
    from flask import has_app_context

    return has_app_context()


def kernel_state() -> KernelState:
    return current_app.extensions["linli"]
