"""导入儿童台账: upload an Excel/CSV 台账, preview every row, then import the valid ones.

The file is read and every row validated once, at upload; the valid rows stay on the
server between preview and import under a random token (services/children/child_import/batch.py),
so nothing the browser sends can change what is imported, and the archive's rules and the
身份证 reservation run again on each row as it is saved. Large files are imported in chunks of
CHUNK_ROWS rows, one POST each, from a small script on the preview page; without
JavaScript one plain POST imports everything.
"""

import io
import secrets
import time
from datetime import timedelta

from flask import flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user

from ..core import clock, sheets
from ..core.dates import cn_date
from ..documents import Place
from ..documents.constants import CATEGORIES, GENDERS, VILLAGE
from ..services import audit
from ..services.children.child_import import (
    ImportFileError,
    delete_upload,
    forget_old_uploads,
    load_upload,
    parse,
    store_upload,
    template_workbook,
    uploads_collection,
)
from ..services.children.child_import.batch import BLOCK, keep_rows, rows_at, save_block
from .base import SecureBaseView
from .permissions import SCREENS

CHUNK_ROWS = 500  # rows per request of the page's script
STEP_ROWS = BLOCK  # rows claimed at a time: one block of validated rows
TIME_BUDGET = 15  # seconds a request may go on claiming
PREVIEW_ROWS = 200
KEEP_UPLOADS = timedelta(days=1)
GONE_MESSAGE = "该导入任务不存在、已完成或不属于您，请重新上传文件。"


def _villages(user) -> list[tuple[str, str]]:
    """(12-digit code, name) of the user's villages, for the template."""
    rows = Place.children_of(user.place, VILLAGE)
    own = Place.info(user.place)
    if own and own["level"] == VILLAGE:
        rows = [own] + rows
    return [(r["code"], r["name"]) for r in rows]


def _preview_row(r) -> dict:
    """What the preview table shows of a row: the archive as understood, else the file's text."""
    v = r.values
    if r.child is not None:
        c = r.child
        return {
            "name": c.name,
            "gender": dict(GENDERS).get(c.gender, ""),
            "id_number": c.id_number or "",
            "birth": cn_date(c.birth_date),
            "village": Place.full_name_of(r.village),
            "categories": "、".join(dict(CATEGORIES).get(x, x) for x in c.categories or []),
            "guardian": "；".join(str(g) for g in c.guardians or []),
        }
    return {
        "name": v.get("姓名", ""),
        "gender": v.get("性别", ""),
        "id_number": v.get("身份证号码", ""),
        "birth": v.get("出生日期", ""),
        "village": v.get("村（居）名称") or v.get("村（居）代码", ""),
        "categories": v.get("困境类别", ""),
        "guardian": v.get("监护人姓名", ""),
    }


class ChildImportView(SecureBaseView):
    roles = SCREENS["child_import"].see

    def is_visible(self):
        return False  # linked from the children list

    # ---- upload and preview ----
    @expose("/", methods=("GET", "POST"))
    def index(self):
        if request.method == "GET":
            return self.render("admin/child_import.html", errors=[])
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return self.render(
                "admin/child_import.html", errors=["请选择要导入的 Excel（.xlsx）或 CSV 文件。"]
            )
        data = upload.read()
        try:
            results = parse(upload.filename, data, current_user)
        except ImportFileError as exc:
            return self.render("admin/child_import.html", errors=exc.errors)
        valid = sum(1 for r in results if r.ok)
        token = None
        if valid:
            forget_old_uploads(clock.now() - KEEP_UPLOADS)
            token = secrets.token_urlsafe(24)
            store_upload(token, current_user, upload.filename, data)
            keep_rows(token, results)  # the rows as validated, saved at import
        return self._preview(upload.filename, results, token)

    def _preview(self, filename, results, token, error=None, status=200):
        bad = [r for r in results if not r.ok]
        return (
            self.render(
                "admin/child_import_preview.html",
                filename=filename,
                token=token,
                total=len(results),
                valid=len(results) - len(bad),
                bad=bad,
                rows=[(r, _preview_row(r)) for r in results[:PREVIEW_ROWS]],
                shown=min(len(results), PREVIEW_ROWS),
                error=error,
            ),
            status,
        )

    @expose("/template.xlsx")
    def template(self):
        data = template_workbook(_villages(current_user))
        return send_file(
            io.BytesIO(data),
            mimetype=sheets.XLSX,
            as_attachment=True,
            download_name="儿童台账导入模板.xlsx",
        )

    @expose("/cancel/", methods=("POST",))
    def cancel(self):
        doc = load_upload(request.form.get("token", ""), current_user)
        if doc is not None and doc.get("mode") is not None:
            flash("该文件已开始导入，无法取消；已导入的档案请在儿童档案中查看。", "warning")
            return redirect(url_for("children.index_view"))
        if doc is None:  # not this user's (or gone): nothing to cancel, and say so
            flash("该导入不存在、已完成或不属于您，无需取消。", "warning")
            return redirect(url_for(".index"))
        delete_upload(doc["_id"], doc.get("parts", 1), doc.get("blocks", 0))
        flash("已取消，未导入任何数据。", "info")
        return redirect(url_for(".index"))

    # ---- import ----
    @expose("/confirm/", methods=("POST",))
    def confirm(self):
        """Import a chunk (`chunk=1`, from the page's script: JSON) or everything (plain POST)."""
        ajax = request.form.get("chunk") == "1"
        mode = "valid" if request.form.get("mode") == "valid" else "all"
        token = request.form.get("token", "")
        doc = load_upload(token, current_user, with_data=False)
        if doc is None:
            return self._gone(ajax)
        if doc.get("mode") is None:
            refused = self._start(doc, mode)
            if refused is not None:
                message, results = refused
                if ajax:
                    return jsonify({"error": message}), 400
                return self._preview(doc["filename"], results, token, message, 400)
            doc = load_upload(token, current_user, with_data=False)
            if doc is None:
                return self._gone(ajax)
        while True:
            state = self._run_chunk(doc)
            if state is None:  # finished here or by a request running alongside
                return self._gone(ajax)
            if state["done"] or ajax:
                break
            doc = load_upload(token, current_user, with_data=False) or doc
        if ajax:
            body = {k: state[k] for k in ("processed", "total", "saved", "failed", "done")}
            if state["done"]:
                body["html"] = render_template("admin/child_import_result_body.html", **state)
            return jsonify(body)
        return self.render("admin/child_import_result.html", **state)

    def _gone(self, ajax: bool):
        if ajax:
            return jsonify({"error": GONE_MESSAGE}), 404
        return self.render("admin/child_import.html", errors=[GONE_MESSAGE]), 404

    def _start(self, doc, mode):
        """Fix the lines to import from the rows the preview validated and kept (the file
        is read once, at upload); (message, rows) if refused."""
        lines, bad = doc.get("lines") or [], doc.get("bad", 0)
        message = None
        if mode == "all" and bad:
            message = (
                f"文件中有 {bad} 行有误，未导入任何数据。请修改文件后重新上传，"
                f"或选择“仅导入无误的 {len(lines)} 行”。"
            )
        elif not lines:
            message = "文件中没有无误的行，未导入任何数据。"
        if message:  # shown with the preview again: the one path that reads the file twice
            full = load_upload(doc["_id"], current_user)
            try:
                results = parse(full["filename"], full["data"], current_user) if full else []
            except ImportFileError:
                results = []
            return message, results
        uploads_collection().update_one(
            {"_id": doc["_id"], "mode": None},
            {"$set": {"mode": mode, "total": len(lines), "next": 0}},
        )
        return None

    def _run_chunk(self, doc):
        """Import up to CHUNK_ROWS further lines and report where the import stands.

        The lines are claimed STEP_ROWS at a time (an atomic move of `next`), so two
        requests never import the same row, and a request stops after TIME_BUDGET seconds
        with what it has done: saving slows down as a township's roster grows.
        """
        coll = uploads_collection()
        start = doc.get("next", 0)
        window = doc.get("lines", [])[start : start + CHUNK_ROWS]
        finished_here = False
        if window:
            deadline = time.monotonic() + TIME_BUDGET
            pos = start
            while pos < start + len(window):
                step = window[pos - start : pos - start + STEP_ROWS]
                claim = coll.update_one(
                    {"_id": doc["_id"], "next": pos}, {"$set": {"next": pos + len(step)}}
                )
                if not claim.modified_count:
                    break  # another request took these lines
                block = rows_at(doc["_id"], pos, step)
                pos += len(step)
                finished_here = pos >= doc.get("total", 0)
                saved, failed = save_block(block, current_user)
                names = {r["line"]: r.get("name", "") for r in block}
                failed += [(line, "该行已无法读取。") for line in step if line not in names]
                rows = [
                    {"line": line, "name": names.get(line, ""), "error": message}
                    for line, message in failed
                ]
                coll.update_one(
                    {"_id": doc["_id"]},
                    {"$inc": {"saved": len(saved)}, "$push": {"failed": {"$each": rows}}},
                )
                if time.monotonic() > deadline:
                    break
        current = coll.find_one({"_id": doc["_id"]})
        if current is None:
            return None
        state = {
            "filename": current["filename"],
            "processed": min(current.get("next", 0), current.get("total", 0)),
            "total": current.get("total", 0),
            "saved": current.get("saved", 0),
            "failed_rows": sorted(current.get("failed", []), key=lambda f: f["line"]),
            "done": current.get("next", 0) >= current.get("total", 0),
        }
        state["failed"] = len(state["failed_rows"])
        if finished_here:
            # Only the request that imported the last lines finishes the import.
            delete_upload(current["_id"], current.get("parts", 1), current.get("blocks", 0))
            audit.record(
                "import",
                None,
                detail=f"导入儿童台账 {current['filename']}：成功 {state['saved']} 行，失败 {state['failed']} 行",
            )
        state["children_url"] = url_for("children.index_view")
        state["again_url"] = url_for(".index")
        return state
