"""The tornado application: routes, cookie and CSRF settings, and the server loop."""
from __future__ import annotations

import asyncio
import secrets

import tornado.httpserver
import tornado.netutil
import tornado.web

from generator.desk.handlers import article, files, inbox, login, publish, write
from generator.desk.handlers.base import DeskHandler
from generator.desk.preview import PreviewState, refresh
from generator.desk.workspace import Workspace

MAX_BODY = 12 * 1024 * 1024  # a photo of up to 10 MB plus the form


def make_app(ws: Workspace) -> tornado.web.Application:
    """The desk application for one site."""
    routes = [
        (r"/", inbox.InboxHandler),
        (r"/login", login.LoginHandler),
        (r"/logout", login.LogoutHandler),
        (r"/article", article.ArticleHandler),
        (r"/article/(sign|return|withdraw)", article.ActionHandler),
        (r"/write", write.WriteHandler),
        (r"/upload", write.UploadHandler),
        (r"/render", write.RenderHandler),
        (r"/publish", publish.PublishHandler),
        (r"/audit", publish.AuditHandler),
        (r"/desk-static/([a-z]+\.(?:css|js|svg))", files.StaticHandler),
        (r"/_preview/(.*)", files.PreviewFileHandler),
        (r"/content/images/(.+)", files.ContentImageHandler),
    ]
    return tornado.web.Application(
        routes,
        workspace=ws,
        preview_state=PreviewState(),
        # tornado signs nothing of ours with it; sessions live in the database
        cookie_secret=secrets.token_hex(32),
        xsrf_cookies=True,
        xsrf_cookie_kwargs={
            "httponly": True,
            "samesite": "Strict",
            "secure": ws.secure_cookies,
            "path": "/",
        },
        default_handler_class=_NotFound,
        compress_response=False,
    )


class _NotFound(DeskHandler):
    def prepare(self) -> None:
        super().prepare()
        raise tornado.web.HTTPError(404)


def _first_preview(app: tornado.web.Application) -> None:
    try:
        app.settings["preview_state"] = refresh(
            app.settings["workspace"], app.settings["preview_state"]
        )
    # noqa: BLE001 - a broken site is reported on the article page, with file and line
    except Exception:
        pass


async def serve(ws: Workspace, host: str, port: int, ready=None) -> None:
    """Listen on host:port until cancelled; `ready` (if given) is called with the port once
    listening."""
    sockets = tornado.netutil.bind_sockets(port, address=host)
    # Behind the reverse proxy (secure cookies) the client's address comes from X-Real-IP /
    # X-Forwarded-For.
    app = make_app(ws)
    server = tornado.httpserver.HTTPServer(app, max_body_size=MAX_BODY, xheaders=ws.secure_cookies)
    server.add_sockets(sockets)
    # the first article opens sooner
    asyncio.get_running_loop().run_in_executor(None, _first_preview, app)
    bound = sockets[0].getsockname()[1]
    if ready:
        ready(bound)
    try:
        await asyncio.Event().wait()
    finally:
        server.stop()
