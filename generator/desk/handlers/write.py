"""Writing: the article form per type (new or existing file), saving without losing typed text or
overwriting
someone else's edit, photos attached on the form, and the body's live preview."""

from __future__ import annotations

import json

import tornado.web

from generator.desk import articles, diffs, uploads
from generator.desk.articles import Conflict, Draft
from generator.desk.formspec import CHANNEL_NAMES, CONSENT_SCOPE, fields_for
from generator.desk.handlers.base import DeskHandler
from generator.model.content import TYPE_FOLDERS, TYPE_NAMES
from generator.render.markdown import MarkdownRenderer


class WriteHandler(DeskHandler):
    """GET /write?type=story (new) or /write?src=stories/x.md (edit); POST saves."""

    def get(self) -> None:
        """Show the form, filled from the file when editing."""
        source = self.get_query_argument("src", "")
        if source:
            try:
                draft = articles.open_article(self.ws.content_dir, source)
            except (KeyError, OSError):
                raise tornado.web.HTTPError(404) from None
        else:
            kind = self.get_query_argument("type", "story")
            if kind not in TYPE_FOLDERS:
                raise tornado.web.HTTPError(404)
            draft = Draft(kind, {"date": self.ws.clock().date().isoformat()})
        self.form(draft)

    def form(
        self, draft: Draft, status: int = 200, problems=(), message: str = "", conflict=None
    ) -> None:
        """Render the form with the draft's values (also after a failed save, so nothing typed is
        lost)."""
        cfg = self.ws.config()
        self.page(
            "write.html",
            status,
            draft=draft,
            fields=fields_for(draft.page_type, cfg),
            problems=problems,
            message=message,
            conflict=conflict,
            type_name=TYPE_NAMES[draft.page_type],
            types=TYPE_NAMES,
            channel_names=CHANNEL_NAMES,
            consent_scope=CONSENT_SCOPE,
        )

    def post(self) -> None:
        """Validate and save; on any problem show the form again with what was typed and why."""
        cfg = self.ws.config()
        kind = self.get_body_argument("type", "")
        if kind not in TYPE_FOLDERS:
            raise tornado.web.HTTPError(400)
        source = self.get_body_argument("src", "")
        form = {
            k: [v.decode("utf-8", errors="replace") for v in vs]
            for k, vs in self.request.body_arguments.items()
        }
        try:
            old = articles.open_article(self.ws.content_dir, source).values if source else {}
        except (KeyError, OSError):
            raise tornado.web.HTTPError(404) from None
        values = articles.from_form(kind, form, cfg, old)
        draft = Draft(
            kind,
            values,
            self.get_body_argument("body", ""),
            self.get_body_argument("base", ""),
            source,
        )
        problems = self._attach_photos(draft)
        if problems:
            self.form(draft, 400, message=problems)
            return
        rel = source or articles.new_source(kind, values)
        if not source and (self.ws.content_dir / rel).exists():
            self.form(draft, 409, message="已经有同名的文章了：请换一个标题或日期。")
            return
        text = articles.to_text(draft.values, draft.body)
        found = articles.validate(cfg, self.ws.content_dir, rel, text)
        if found:
            self.form(draft, 400, problems=found, message="没有保存：请按下面的提示修改。您填写的内容都还在。")
            return
        try:
            articles.save(self.ws.content_dir, rel, text, draft.base)
        except Conflict as conflict:
            draft.base = conflict.current_hash  # saving again now overwrites knowingly
            self.note("save-conflict", rel)
            self.form(draft, 409, conflict=diffs.pieces(conflict.current_text, text), message=(
                "没有保存：在您打开这篇文章之后，别人已经修改并保存了它。下面是对方的版本与您的版本的差别。"
                "请核对后再点一次“保存”（会以您的版本为准），或重新打开文章。"))
            return
        except KeyError:
            raise tornado.web.HTTPError(400) from None
        self.note("save", rel)
        self.redirect(f"/article?src={tornado.escape.url_escape(rel)}&done=save")

    def _attach_photos(self, draft: Draft) -> str:
        """Store photos chosen on the form for the cover or the person's photo; the refusal message,
        if any."""
        for key in ("cover", "photo"):
            for upload in self.request.files.get(f"{key}.file", []):
                if not upload.body and not upload.filename:
                    continue
                alt = str(draft.values.get(f"{key}_alt", ""))
                try:
                    draft.values[key] = uploads.store(
                        self.ws.content_dir,
                        TYPE_FOLDERS[draft.page_type],
                        upload.filename,
                        upload.body,
                        alt,
                    )
                except uploads.UploadRefused as refused:
                    self.note("upload-refused", draft.source, str(refused))
                    return f"照片没有保存：{refused}（其余内容还没有保存，都还在下面。）"
                self.note("upload", draft.source, draft.values[key])
        return ""


class UploadHandler(DeskHandler):
    """POST /upload : a photo for the body; answers JSON with its path and the Markdown to
    insert."""

    def post(self) -> None:
        """Store the photo or say (status 400) why not."""
        folder = self.get_body_argument("folder", "stories")
        if folder not in TYPE_FOLDERS.values():
            raise tornado.web.HTTPError(400)
        files = self.request.files.get("file", [])
        if not files:
            self._answer(400, {"error": "没有选择图片。"})
            return
        alt = self.get_body_argument("alt", "").strip()
        try:
            path = uploads.store(self.ws.content_dir, folder, files[0].filename, files[0].body, alt)
        except uploads.UploadRefused as refused:
            self.note("upload-refused", detail=str(refused))
            self._answer(400, {"error": str(refused)})
            return
        self.note("upload", detail=path)
        self._answer(200, {"path": path, "markdown": f"![{alt}]({path})"})

    def _answer(self, status: int, data: dict) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(data, ensure_ascii=False))


class RenderHandler(DeskHandler):
    """POST /render : the body's HTML for the live preview beside the editor (sanitised like the
    site's)."""

    def post(self) -> None:
        """Render the Markdown sent as `body`."""
        rendered = MarkdownRenderer().render(self.get_body_argument("body", ""), _image_url)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"html": rendered.html}, ensure_ascii=False))


def _image_url(src: str) -> str:
    """Where the live preview finds a content image (the desk serves content/images/ to logged-in
    staff)."""
    return "/content/" + src.lstrip("/") if src.startswith("images/") else src
