"""What the admin pages and the portal pages of every subject share: the logged-in user who
acts, and the plugin's template folder (``templates/owners/``), which the blueprints of the
subjects register."""

from __future__ import annotations

from pathlib import Path

from flask_login import current_user

# plugins/owners/templates: the blueprints live in the subjects' packages, the templates stay
# in one folder of the plugin
TEMPLATES = str(Path(__file__).resolve().parent.parent / "templates")


def actor():
    """The logged-in user, as the actor of a service call."""
    return current_user._get_current_object()
