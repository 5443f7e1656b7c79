"""The article page: the website page, WeChat article and LED frames from the preview build side by
side, the findings on the text, the difference to the live revision, the history, and 通过 / 退回 / 撤稿."""

from __future__ import annotations

import time
from dataclasses import replace

import tornado.web
from tornado.ioloop import IOLoop

from generator.checks import review, run_checks
from generator.desk import accounts, approvals, diffs, preview
from generator.desk.handlers.base import DeskHandler
from generator.model.content import TYPE_NAMES


class ArticleHandler(DeskHandler):
    """GET /article?src=stories/x.md : everything a reviewer needs to decide."""

    async def get(self) -> None:
        """Refresh the preview build if content changed, then show the article."""
        state = self.settings["preview_state"]
        self.settings["preview_state"] = await IOLoop.current().run_in_executor(
            None, preview.refresh, self.ws, state
        )
        self.show(self.get_query_argument("src", ""))

    def show(self, source: str, message: str = "", status: int = 200) -> None:
        """Render the article page, with a message after an action (e.g. why a signature was
        refused)."""
        cfg = self.ws.config()
        site, problems = self.ws.site(cfg)
        page = approvals.page_of(site, source)
        if page is None:
            raise tornado.web.HTTPError(404)
        store = approvals.store_for(self.ws, cfg)
        status_ = store.status(page)
        live = approvals.live_text(site, store, source)
        alone = replace(site, pages=(page,))  # a page's findings depend on its own text only
        findings = [p for p in run_checks(alone, cfg, today=self.ws.clock().date()).problems
                    if p.path == str(self.ws.content_dir / source)]
        self.page(
            "article.html",
            status,
            page=page,
            type_name=TYPE_NAMES[page.type],
            st=status_,
            state=approvals.STATES[approvals.state_of(page, status_)],
            site_url=preview.site_url(self.ws, page),
            wechat_url=preview.wechat_url(self.ws, page),
            frames=preview.led_frames(self.ws, page),
            lines=_annotated(page.source_text, findings),
            findings=findings,
            diff=diffs.pieces(live, page.source_text) if live is not None else None,
            history=store.history(source),
            message=message,
            stages=review.STAGES,
            preview_problems=self.settings["preview_state"].problems,
            may_sign=status_.next_stage in self.account.stages and status_.withdrawn is None,
            may_withdraw=approvals.may_withdraw(store, self.account.name),
        )


class ActionHandler(ArticleHandler):
    """POST /article/(sign|return|withdraw) : the signature actions, each checked by the review
    module."""

    def post(self, action: str) -> None:
        """Do the action with the password typed again; a refusal is shown on the article page."""
        source = self.get_body_argument("src", "")
        password = self.get_body_argument("password", "")
        reason = self.get_body_argument("reason", "").strip()
        stage = self.get_body_argument("stage", "")
        name = self.account.name
        if action != "sign" and not reason:
            self.show(source, "请写明理由：退回和撤稿都必须说明原因。", 400)
            return
        if not accounts.verify(self.ws.db_path, name, password, time.time()):
            self.note(f"{action}-bad-password", source)
            self.show(source, "密码不对：签字需要再输入一次您的登录密码。", 403)
            return
        cfg = self.ws.config()
        store = approvals.store_for(self.ws, cfg)
        now = self.ws.clock()
        try:
            if action == "sign":
                store.sign(source, stage, name, password, now)
            elif action == "return":
                store.return_(source, stage, name, password, reason, now)
            else:
                store.withdraw(source, name, password, reason, now)
        except review.ReviewRefused as refused:
            self.note(f"{action}-refused", source, str(refused))
            self.show(source, f"没有签上：{refused}", 403)
            return
        self.note(action, source, f"{stage} {reason}".strip())
        self.redirect(f"/article?src={tornado.escape.url_escape(source)}&done={action}")


def _annotated(text: str, findings) -> list[tuple[int, str, list]]:
    """The file's lines, each with the findings reported on it."""
    by_line: dict[int, list] = {}
    for finding in findings:
        by_line.setdefault(finding.line, []).append(finding)
    return [(n, line, by_line.get(n, [])) for n, line in enumerate(text.splitlines(), start=1)]
