"""Translations are cached per application: two applications in one process, one with a
plugin that brings its own catalogue, each translate with their own catalogues."""

import plugins.socialorgs as socialorgs
from core.i18n import gettext

PLUGIN_ONLY = "Social organisation search"  # in the socialorgs catalogue only


def test_each_application_uses_its_own_catalogues(make_app):
    bare = make_app(plugins=[])
    with bare.app_context():
        assert gettext(PLUGIN_ONLY) == PLUGIN_ONLY  # loaded (and cached) without the plugin
        assert gettext("Territory") == "辖区"
    full = make_app(plugins=[socialorgs])
    with full.app_context():
        assert gettext(PLUGIN_ONLY) == "社会组织公开查询"
    with bare.app_context():
        assert gettext(PLUGIN_ONLY) == PLUGIN_ONLY
