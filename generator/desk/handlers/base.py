"""What every desk page shares: the Host check, the session, security headers, CSRF, Chinese error
pages and rendering through the one template environment."""

from __future__ import annotations

import time
from http import HTTPStatus

import tornado.web

from generator.desk import accounts, audit, sessions
from generator.desk.accounts import Account
from generator.desk.workspace import Workspace
from generator.render.templates import Templates

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-src "
    "'self'; "
    "frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
_MESSAGES = {400: "请求不完整或不正确。", 403: "没有权限，或页面已过期：请刷新后再试。", 404: "没有这个页面。",
             405: "不支持这种操作。", 409: "内容已被别人修改。", 413: "上传的文件太大。",
             421: "这个地址不能访问编审台。", 500: "编审台出了问题，您的文件没有丢失。请把时间告诉技术人员。"}


class DeskHandler(tornado.web.RequestHandler):
    """Base of every desk handler: refuses foreign hosts, requires a session unless `public` is
    set."""

    public = False  # the login page and static files are reachable without a session

    @property
    def ws(self) -> Workspace:
        """The site this desk works on."""
        return self.settings["workspace"]

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", CSP)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Frame-Options", "SAMEORIGIN")
        self.set_header("Cache-Control", "no-store")

    def check_xsrf_cookie(self) -> None:
        self._check_host()  # a foreign Host is refused before anything else is looked at
        super().check_xsrf_cookie()

    def prepare(self) -> None:
        self._check_host()
        if not self.public and self.current_user is None:
            if self.request.method in ("GET", "HEAD"):
                self.redirect("/login")
                return
            raise tornado.web.HTTPError(403)

    def _check_host(self) -> None:
        host = (
            self.request.host.rsplit(":", 1)[0]
            if not self.request.host.endswith("]")
            else self.request.host
        )
        if host.lower() not in self.ws.hosts:
            raise tornado.web.HTTPError(421)

    def get_current_user(self) -> Account | None:
        name = sessions.owner(self.ws.db_path, self.get_cookie(sessions.COOKIE), time.time())
        return accounts.find(self.ws.db_path, name) if name else None

    @property
    def account(self) -> Account:
        """The logged-in account (handlers other than the public ones always have one)."""
        return self.current_user

    def page(self, template: str, status: int = 200, **context) -> None:
        """Render templates/desk/<name> with the shared context (account, CSRF token, title)."""
        self.set_status(status)
        shared = {
            "account": self.current_user,
            "xsrf": self.xsrf_token.decode(),
            "path": self.request.path,
        }
        templates = Templates(self.ws.templates_dir)
        self.finish(templates.render(f"desk/{template}", {**shared, **context}))

    def note(self, action: str, article: str = "", detail: str = "") -> None:
        """Append an audit event for the current account."""
        who = self.current_user.name if self.current_user else "-"
        audit.record(
            self.ws.db_path,
            self.ws.clock(),
            who,
            action,
            article,
            detail,
            self.request.remote_ip or "",
        )

    def write_error(self, status_code: int, **kwargs) -> None:
        message = _MESSAGES.get(
            status_code, HTTPStatus(status_code).phrase if status_code < 600 else "出错了"
        )
        self.clear_header("Content-Type")
        try:
            self.page("error.html", status_code, code=status_code, message=message)
        except Exception:  # noqa: BLE001 - an error page must never fail into a traceback
            self.finish(f"<!DOCTYPE html><html lang=zh-CN><title>出错</title><p>{status_code}")
