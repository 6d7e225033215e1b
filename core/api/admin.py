"""Admin pages of the API feature: personal tokens (个人令牌) and spreadsheet import (导入)."""

from __future__ import annotations

import contextlib
import io
import os
import secrets

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from core.admin import View
from core.commands import Context
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import User
from core.services import ServiceError

from .models import ApiToken
from .resources import ApiError, resource_for, resources
from .tokens import create_token, revoke_token


class TokensView(View):
    """Every user manages their own tokens; a platform administrator also those of others
    (a token acts with all its user's rights, so only someone who has them all may issue one
    for another user)."""

    def is_accessible(self):
        return current_user.is_authenticated and not current_user.must_change_password

    def _manager(self) -> bool:
        return bool(g.get("access") and g.access.is_platform_admin)

    @expose("/", methods=["GET", "POST"])
    def index(self):
        new_token = None
        if request.method == "POST":
            user = current_user._get_current_object()
            username = request.form.get("username", "").strip()
            if username and username != user.username:
                user = User.get_or_none(User.username == username) if self._manager() else None
            try:
                if user is None:
                    raise ServiceError(_("Unknown user."))
                days = request.form.get("days", "90").strip()
                _row, new_token = create_token(
                    Context.current(),
                    user,
                    request.form.get("name", ""),
                    write=request.form.get("write") == "1",
                    days=int(days) if days.isdigit() else -1,
                )
                flash(_("Token created. Copy it now: it is not shown again."), "success")
            except ServiceError as exc:
                flash(str(exc), "error")
        query = ApiToken.select(ApiToken, User).join(User).order_by(ApiToken.id.desc())
        if not self._manager():
            query = query.where(ApiToken.user == current_user.id)
        return self.render(
            "api/admin_tokens.html",
            tokens=list(query),
            new_token=new_token,
            manager=self._manager(),
        )

    @expose("/<int:token_id>/revoke", methods=["POST"])
    def revoke(self, token_id):
        row = ApiToken.get_or_none(ApiToken.id == token_id)
        if row is None or (row.user_id != current_user.id and not self._manager()):
            flash(_("Unknown token."), "error")
        else:
            revoke_token(Context.current(), row)
            flash(_("Token revoked."), "success")
        return redirect(url_for(".index"))


class ImportView(View):
    """Upload a CSV or XLSX file, map its columns, dry-run it, then import all rows or none.

    The upload is kept in the instance folder between the steps under a random name."""

    def is_accessible(self):
        if not current_user.is_authenticated or current_user.must_change_password:
            return False
        access = g.get("access")
        plugins = g.get("enabled_plugins", set()) | {"core"}
        return bool(access) and any(access.can_any(plugin, "import") for plugin in plugins)

    def _choices(self):
        found = []
        for (plugin, name), resource in resources().items():
            if plugin != "core" and plugin not in g.get("enabled_plugins", set()):
                continue
            if "create" in resource.operations and resource.can("import"):
                found.append((f"{plugin}/{name}", f"{resource.label} ({plugin})"))
        return found

    def _folder(self) -> str:
        folder = os.path.join(current_app.instance_path, "imports")
        os.makedirs(folder, exist_ok=True)
        return folder

    @expose("/", methods=["GET", "POST"])
    def index(self):
        from . import spreadsheets

        choices = self._choices()
        if request.method == "GET":
            return self.render("api/admin_import.html", choices=choices, step="upload")
        target = request.form.get("resource", "")
        if target not in dict(choices):
            flash(_("Choose what to import."), "error")
            return redirect(url_for(".index"))
        resource = resource_for(*target.split("/", 1))
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(_("Attach a CSV or XLSX file."), "error")
            return redirect(url_for(".index"))
        suffix = ".xlsx" if upload.filename.lower().endswith(".xlsx") else ".csv"
        key = secrets.token_hex(16) + suffix
        upload.save(os.path.join(self._folder(), key))
        try:
            table = self._table(key)
        except ApiError as exc:
            _remove(os.path.join(self._folder(), key))  # a file that cannot be read goes
            flash(exc.message, "error")
            return redirect(url_for(".index"))
        return self.render(
            "api/admin_import.html",
            choices=choices,
            step="map",
            resource=target,
            key=key,
            headers=table.headers,
            columns=spreadsheets.columns(resource),
            rows=table.total,
        )

    def _table(self, key: str):
        from . import spreadsheets

        path = os.path.join(self._folder(), os.path.basename(key))
        if not os.path.exists(path):
            raise ApiError(400, _("The upload has expired; upload the file again."))
        with open(path, "rb") as handle:
            return spreadsheets.read_upload(path, io_bytes(handle.read()))

    @expose("/run", methods=["POST"])
    def run(self):
        """Answers JSON (the data of the import, unchanged) to API-style clients; a browser
        (``Accept: text/html``) gets the result as a page, and the page's script asks for the
        result alone (``X-Linli-Fragment``) to show it under the form."""
        from . import spreadsheets

        target = request.form.get("resource", "")
        if target not in dict(self._choices()):
            return self._answer({"message": _("Choose what to import.")}, 400)
        resource = resource_for(*target.split("/", 1))
        key = os.path.basename(request.form.get("key", ""))
        mapping = {
            name.removeprefix("map:"): value
            for name, value in request.form.items()
            if name.startswith("map:")
        }
        dry_run = request.form.get("dry_run") == "1"
        read = [0]  # the rows read, for the result page (a refused file's answer has none)

        def counted(rows):
            for cells in rows:
                if any(c.strip() for c in cells):
                    read[0] += 1
                yield cells

        try:
            table = self._table(key)
            table.rows = counted(table.rows)
            report = spreadsheets.run_import(resource, table, mapping, dry_run=dry_run)
        except ApiError as exc:
            body = exc.body()
            if isinstance(exc.errors, list) and exc.errors:  # rows refused: offer them back
                body["error_file"] = self._error_file(key, exc.errors)
            _remove(os.path.join(self._folder(), key))  # a failed import keeps no upload
            return self._answer(body, exc.status, read[0], dry_run)
        if not dry_run:
            _remove(os.path.join(self._folder(), key))
        return self._answer(report, 200, read[0], dry_run)

    def _answer(self, body: dict, status: int, read: int = 0, dry_run: bool = False):
        """The import's answer: JSON as it is, or the result page (counts and row errors)."""
        if request.accept_mimetypes.best_match(["application/json", "text/html"]) != "text/html":
            return jsonify(body), status
        errors = body.get("errors")
        rows = errors if isinstance(errors, list) else []
        fields = errors if isinstance(errors, dict) else {}
        read = body.get("rows", read)
        result = {
            "ok": status < 400,
            "dry_run": body.get("dry_run", dry_run),
            "message": body.get("message", ""),
            "read": read,
            "created": body.get("created", 0),
            "refused": len({e.get("row") for e in rows}),
            "rows": rows,
            "fields": fields,
            "error_file": body.get("error_file"),
        }
        template = "api/admin_import_result.html"
        if request.headers.get("X-Linli-Fragment"):
            return self.render(template, result=result), status
        return self.render("api/admin_import.html", step="result", result=result), status

    def _error_file(self, key: str, problems: list[dict]) -> str:
        """Writes the upload's rows with an error column; the URL that downloads it (only
        for the user who imported)."""
        from . import spreadsheets

        folder = self._folder()
        _purge_error_files(folder)
        name = f"errors-{current_user.id}-{secrets.token_hex(16)}.xlsx"
        path = os.path.join(folder, name)
        spreadsheets.write_error_file(self._table(key), problems, path)
        os.chmod(path, 0o600)  # the rows may hold personal data: the owner only
        return url_for(".error_file", filename=name)

    @expose("/errors/<filename>")
    def error_file(self, filename):
        from . import spreadsheets

        name = os.path.basename(filename)
        path = os.path.join(self._folder(), name)
        if not name.startswith(f"errors-{current_user.id}-") or not os.path.exists(path):
            abort(404)
        response = spreadsheets._xlsx_response(path, _("Import errors.xlsx"))
        _remove(path)  # downloaded once; the open file stays readable
        return response

    @expose("/template/<plugin>/<table>")
    def template(self, plugin, table):
        from . import spreadsheets

        if f"{plugin}/{table}" not in dict(self._choices()):
            abort(404)
        return spreadsheets.template_response(resource_for(plugin, table))


ERROR_FILE_MINUTES = 60  # an error file not downloaded within the hour is deleted


def _purge_error_files(folder: str) -> None:
    import time

    limit = time.time() - ERROR_FILE_MINUTES * 60
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        with contextlib.suppress(OSError):
            if name.startswith("errors-") and os.path.getmtime(path) < limit:
                os.unlink(path)


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def io_bytes(data: bytes):
    return io.BytesIO(data)


def admin_views(admin) -> list:
    system = _l("System")
    return [
        TokensView(
            name=_l("API tokens"),
            category=system,
            endpoint="core_api_tokens",
            url="/admin/core/api-tokens",
            plugin_id="core",
        ),
        ImportView(
            name=_l("Import"),
            category=system,
            endpoint="core_import",
            url="/admin/core/import",
            plugin_id="core",
        ),
    ]
