"""Publishing (发布): for administrators, the real build, as `make build` runs it, with its report."""
from __future__ import annotations

import tornado.web
from tornado.ioloop import IOLoop

from generator.base.errors import BuildFailed
from generator.build.pipeline import build
from generator.desk import audit
from generator.desk.handlers.base import DeskHandler


class AdminHandler(DeskHandler):
    """A page for administrators only (refused server-side for everyone else)."""

    def prepare(self) -> None:
        super().prepare()
        if self.current_user is not None and not self.current_user.admin:
            raise tornado.web.HTTPError(403)


class AuditHandler(AdminHandler):
    """GET /audit : the newest 300 events of the audit log."""

    def get(self) -> None:
        """Show who did what, when and from where."""
        self.page("audit.html", entries=audit.recent(self.ws.db_path, limit=300))


class PublishHandler(AdminHandler):
    """GET /publish shows the button (administrators only); POST runs the build and shows what it
    did."""

    def get(self) -> None:
        """The publish page with the last report, if any."""
        self.page("publish.html", report=self.settings.get("last_report"), problems=[])

    async def post(self) -> None:
        """Run the real build in a worker thread (the desk keeps answering meanwhile)."""
        self.note("publish-start")
        report, problems = await IOLoop.current().run_in_executor(None, _build, self.ws)
        self.settings["last_report"] = report
        self.note(
            "publish", detail=f"发布 {report.published} 篇" if report else f"{len(problems)} 个错误"
        )
        self.page("publish.html", report=report, problems=problems)


def _build(ws):
    with ws.build_lock:
        cfg = ws.config()
        try:
            return build(cfg, ws.publish_options(cfg)), []
        except BuildFailed as failed:
            return None, failed.problems
