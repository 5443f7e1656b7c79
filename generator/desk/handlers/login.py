"""Login and logout: password checked against the scrypt hash, lockout after repeated failures."""
from __future__ import annotations

import time

from generator.desk import accounts, approvals, sessions
from generator.desk.handlers.base import DeskHandler


class LoginHandler(DeskHandler):
    """The login page, the only page reachable without a session."""

    public = True

    def get(self) -> None:
        """Show the login form."""
        self.page("login.html", name="", message="")

    def post(self) -> None:
        """Check the password and open a session, or say why not (a locked name is told so)."""
        name = self.get_body_argument("name", "").strip()
        password = self.get_body_argument("password", "")
        now = time.time()
        if accounts.locked(self.ws.db_path, name, now):
            self.note("login-locked", detail=name)
            self.page("login.html", 429, name=name, message=(
                f"登录失败次数太多，这个账号已暂时锁定 {accounts.WINDOW_SECONDS // 60} 分钟。请稍后再试，或联系管理员。"))
            return
        account = accounts.verify(self.ws.db_path, name, password, now) or self._from_roster(
            name, password
        )
        if account is None:
            self.note("login-failed", detail=name)
            self.page("login.html", 403, name=name, message="用户名或密码不对，请再试一次。")
            return
        token = sessions.start(self.ws.db_path, account.name, now)
        self.set_cookie(
            sessions.COOKIE,
            token,
            httponly=True,
            samesite="Strict",
            secure=self.ws.secure_cookies,
            path="/",
        )
        self._current_user = account
        self.note("login")
        self.redirect("/")


    def _from_roster(self, name: str, password: str):
        """A reviewer on the roster without a desk account yet (the sample roster of a fresh clone,
        or someone added with `review roster add`) gets one on first login, when the password opens
        their key.
        """
        if not name or accounts.find(self.ws.db_path, name) is not None:
            return None
        store = approvals.store_for(self.ws, self.ws.config())
        person = next((p for p in store.people() if p.name == name), None)
        if person is None or not store.check_password(name, password):
            return None
        accounts.create(
            self.ws.db_path, name, password, list(person.stages), person.admin, self.ws.clock()
        )
        self.note("account-from-roster", detail=name)
        return accounts.find(self.ws.db_path, name)


class LogoutHandler(DeskHandler):
    """Logout: the session is closed on the server, the cookie cleared."""

    def post(self) -> None:
        """Close the session and go back to the login page."""
        self.note("logout")
        sessions.end(self.ws.db_path, self.get_cookie(sessions.COOKIE))
        self.clear_cookie(sessions.COOKIE, path="/")
        self.redirect("/login")
