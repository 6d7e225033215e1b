"""Plugin kernel (插件内核): discovery, validation, registration and hook calling.

Plugins are found through the entry-point group ``linli.plugins``. Each entry point names a
module that holds a :class:`Manifest` called ``MANIFEST`` and hook implementations. The
built-in plugins are declared in our own ``pyproject.toml`` exactly like an outside package.

Start-up refuses, with a message naming the plugin: a duplicate id, a missing or cyclic
requirement, a requirement that the instance blocks, and a hook implementation that matches
no specification.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import pluggy

from core import hookspecs

ENTRY_POINT_GROUP = "linli.plugins"
CORE_ID = "core"
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


class PluginError(Exception):
    """A plugin cannot be loaded; the message names the plugin and the problem."""


@dataclass(frozen=True)
class Manifest:
    """What a plugin says about itself (插件清单)."""

    id: str
    label_zh: str
    label_en: str
    version: str
    requires: tuple[str, ...] = ()
    description: str = ""

    def label(self, locale: str = "zh_Hans") -> str:
        return self.label_zh if locale.startswith("zh") else self.label_en


@dataclass
class PluginInfo:
    manifest: Manifest
    module: ModuleType
    source: str  # the distribution or module that declared it
    state: str = "installed"  # installed | blocked | active | pending (migrations not applied)
    contributions: dict[str, list] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.manifest.id


def _validate_manifest(module: ModuleType, source: str, name: str | None = None) -> Manifest:
    manifest = getattr(module, "MANIFEST", None)
    if not isinstance(manifest, Manifest):
        named = f"plugin {name!r} ({source})" if name else f"plugin {source}"
        raise PluginError(f"{named}: module {module.__name__} has no MANIFEST (Manifest)")
    if not ID_PATTERN.match(manifest.id):
        raise PluginError(
            f"plugin {manifest.id!r} ({source}): id must be 2-32 lower-case letters, digits or _"
        )
    for name in ("label_zh", "label_en", "version"):
        if not getattr(manifest, name):
            raise PluginError(f"plugin {manifest.id!r} ({source}): manifest lacks {name}")
    return manifest


def discover(blocked: Iterable[str] = ()) -> list[tuple[str, ModuleType]]:
    """Import every module declared in the ``linli.plugins`` entry-point group.

    A plugin blocked in configuration (by its entry point's name) that cannot be imported or
    has no valid manifest is kept out with a stand-in manifest, so that the application
    starts without it; any other such plugin stops start-up with a message naming it.
    """
    blocked = set(blocked)
    found = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist.name if ep.dist else ep.value
        source = f"{dist}:{ep.value}"
        try:
            module = ep.load()
            _validate_manifest(module, source, ep.name)
        except Exception as exc:  # an import error must name the plugin
            if ep.name in blocked:
                found.append((source, _stand_in(ep.name, dist, exc)))
                continue
            if isinstance(exc, PluginError):
                raise
            raise PluginError(f"plugin {ep.name!r} ({dist}): cannot be imported: {exc}") from exc
        found.append((source, module))
    return found


def _stand_in(name: str, dist: str, problem: Exception) -> ModuleType:
    """A module standing for a blocked plugin that cannot be loaded (never registered)."""
    module = ModuleType(f"linli_blocked_{name}")
    label = f"{name} ({dist}: {problem})"[:200]
    module.MANIFEST = Manifest(name, label, label, "?")
    return module


def dependency_order(manifests: dict[str, Manifest]) -> list[str]:
    """Order plugin ids so that each comes after what it requires; refuse missing and cycles."""
    for manifest in manifests.values():
        for req in manifest.requires:
            if req not in manifests:
                raise PluginError(
                    f"plugin {manifest.id!r} requires {req!r}, which is not installed"
                )
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(pid: str, chain: list[str]) -> None:
        if state.get(pid) == "done":
            return
        if state.get(pid) == "visiting":
            cycle = " -> ".join(chain[chain.index(pid) :] + [pid])
            raise PluginError(f"plugin {pid!r} has a cyclic requirement: {cycle}")
        state[pid] = "visiting"
        for req in manifests[pid].requires:
            visit(req, chain + [pid])
        state[pid] = "done"
        order.append(pid)

    for pid in sorted(manifests):
        visit(pid, [])
    return order


class Kernel:
    """Holds the pluggy manager and what each plugin contributed."""

    def __init__(
        self,
        blocked: Iterable[str] = (),
        extra: Iterable[ModuleType] = (),
        use_entry_points: bool = True,
    ):
        self.blocked = set(blocked)
        self.pm = pluggy.PluginManager("linli")
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = {}
        self._subset_cache: dict[tuple[str, frozenset], Any] = {}
        candidates = discover(self.blocked) if use_entry_points else []
        candidates += [(f"module:{m.__name__}", m) for m in extra]
        self._load(candidates)

    # -- loading --------------------------------------------------------------------------

    def _load(self, candidates: list[tuple[str, ModuleType]]) -> None:
        core_module = importlib.import_module("core.builtin")
        infos: dict[str, PluginInfo] = {}
        for source, module in candidates:
            manifest = _validate_manifest(module, source)
            if manifest.id == CORE_ID or manifest.id in infos:
                other = infos[manifest.id].source if manifest.id in infos else "core"
                if manifest.id in infos and infos[manifest.id].module is module:
                    continue  # the same module declared twice (e.g. editable install) is fine
                raise PluginError(
                    f"plugin {manifest.id!r} is declared twice: by {other} and by {source}"
                )
            infos[manifest.id] = PluginInfo(manifest, module, source)

        unknown_blocked = self.blocked - set(infos)
        for pid in sorted(unknown_blocked):
            raise PluginError(f"plugin {pid!r} is blocked in configuration but is not installed")

        # a blocked plugin's requirements do not matter: it is never registered
        order = dependency_order(
            {
                pid: info.manifest
                if pid not in self.blocked
                else Manifest(pid, info.manifest.label_zh, info.manifest.label_en, "?")
                for pid, info in infos.items()
            }
        )
        for pid in order:
            info = infos[pid]
            if pid in self.blocked:
                info.state = "blocked"
                continue
            for req in info.manifest.requires:
                if req in self.blocked:
                    raise PluginError(
                        f"plugin {pid!r} requires {req!r}, which is blocked in configuration;"
                        f" block {pid!r} too or unblock {req!r}"
                    )

        self.core = PluginInfo(core_module.MANIFEST, core_module, "core", state="active")
        self.pm.register(core_module, name=CORE_ID)
        self.plugins[CORE_ID] = self.core
        for pid in order:
            info = infos[pid]
            self.plugins[pid] = info
            if info.state == "blocked":
                continue
            try:
                self.pm.register(info.module, name=pid)
            except pluggy.PluginValidationError as exc:
                first = str(exc).strip().splitlines()
                hook = re.search(r"hook '([^']+)'", str(exc))
                raise PluginError(
                    f"plugin {pid!r}: implementation of {hook.group(1) if hook else '?'} does "
                    f"not match its specification ({' '.join(first[-1:])})"
                ) from exc
            except ValueError as exc:
                raise PluginError(f"plugin {pid!r} cannot be registered: {exc}") from exc
            info.state = "pending"
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            name = getattr(exc, "plugin", None)
            pid = self.pm.get_name(name) if name is not None else "?"
            hook = re.search(r"hook '([^']+)'", str(exc))
            raise PluginError(
                f"plugin {pid!r} implements unknown hook {hook.group(1) if hook else exc}"
            ) from exc

    # -- queries --------------------------------------------------------------------------

    def ordered(self, states: Iterable[str] = ("active", "pending")) -> list[PluginInfo]:
        """Plugins (core first) in dependency order whose state is in ``states``."""
        states = set(states)
        return [info for info in self.plugins.values() if info.state in states]

    def get(self, plugin_id: str) -> PluginInfo:
        try:
            return self.plugins[plugin_id]
        except KeyError:
            raise PluginError(f"unknown plugin {plugin_id!r}") from None

    def dependents(self, plugin_id: str) -> list[str]:
        """Plugins that require ``plugin_id`` directly or indirectly."""
        result = []
        for info in self.plugins.values():
            if info.id != plugin_id and plugin_id in self.requirements(info.id):
                result.append(info.id)
        return result

    def requirements(self, plugin_id: str) -> list[str]:
        """Everything ``plugin_id`` needs, transitively, in dependency order."""
        seen: list[str] = []

        def walk(pid: str) -> None:
            for req in self.plugins[pid].manifest.requires:
                if req not in seen and req in self.plugins:  # (a blocked plugin's may not be)
                    walk(req)
                    seen.append(req)

        walk(plugin_id)
        return seen

    # -- hook calling ---------------------------------------------------------------------

    def collect(
        self, hook_name: str, states: Iterable[str] = ("active", "pending"), **kwargs
    ) -> list[tuple[str, Any]]:
        """Call a registration hook once per plugin; return ``(plugin id, result)`` pairs.

        Results come in dependency order (core first), and each is recorded in the plugin's
        ``contributions`` so that everything a plugin added can be traced back to it.
        """
        hook = getattr(self.pm.hook, hook_name)
        impls = {impl.plugin_name: impl for impl in hook.get_hookimpls()}
        results = []
        for info in self.ordered(states):
            impl = impls.get(info.id)
            if impl is None:
                continue
            args = {name: kwargs[name] for name in impl.argnames}
            result = impl.function(**args)
            if result is None:
                continue
            info.contributions.setdefault(hook_name, []).append(result)
            results.append((info.id, result))
        return results

    def implementers(self, hook_name: str) -> frozenset[str]:
        """Ids of the plugins (the core included) that implement ``hook_name``."""
        hook = getattr(self.pm.hook, hook_name)
        return frozenset(impl.plugin_name for impl in hook.get_hookimpls())

    def runtime(self, hook_name: str, enabled: Iterable[str]):
        """A hook caller limited to the core and the plugins in ``enabled``."""
        enabled = frozenset(enabled)
        key = (hook_name, enabled)
        caller = self._subset_cache.get(key)
        if caller is None:
            remove = [
                info.module
                for info in self.plugins.values()
                if info.id != CORE_ID and info.id not in enabled and info.state != "blocked"
            ]
            caller = self.pm.subset_hook_caller(hook_name, remove_plugins=remove)
            self._subset_cache[key] = caller
        return caller
