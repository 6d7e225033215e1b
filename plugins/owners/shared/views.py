"""What the portal pages of every subject share: the plugin's template folder
(``templates/owners/``), which the blueprints of the subjects register. The user who acts is
the request's (:meth:`core.commands.Context.current`)."""

from __future__ import annotations

from pathlib import Path

# plugins/owners/templates: the blueprints live in the subjects' packages, the templates stay
# in one folder of the plugin
TEMPLATES = str(Path(__file__).resolve().parent.parent / "templates")
