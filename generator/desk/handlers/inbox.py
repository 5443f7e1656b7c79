"""The inbox (待办): what waits for me first, then everything else with its state per channel;
filters."""

from __future__ import annotations

from generator.desk import approvals, audit, diffs
from generator.desk.handlers.base import DeskHandler
from generator.model.content import TYPE_NAMES


class InboxHandler(DeskHandler):
    """GET / : the inbox, filtered by ?type= and ?state=."""

    def get(self) -> None:
        """List the articles; a changed live article shows how its working text differs from the
        live one."""
        cfg = self.ws.config()
        site, problems = self.ws.site(cfg)
        kind, state = self.get_query_argument("type", ""), self.get_query_argument("state", "")
        if site is None:
            self.page("inbox.html", problems=problems, mine=[], others=[], kind=kind, state=state,
                      types=TYPE_NAMES, states=approvals.STATES, changes={})
            return
        store = approvals.store_for(self.ws, cfg)
        every = approvals.rows(site, store, self.account, last_savers(self.ws.db_path))
        shown = [r for r in every if (not kind or r.page.type == kind) and
                 (not state or r.state == state or (state == "mine" and r.mine))]
        changes = {
            r.page.source: _change(site, store, r) for r in shown if r.state == "changed" and r.mine
        }
        self.page("inbox.html", problems=problems, mine=[r for r in shown if r.mine],
                  others=[r for r in shown if not r.mine], kind=kind, state=state, types=TYPE_NAMES,
                  states=approvals.STATES, changes=changes)


def _change(site, store, row) -> list:
    live = approvals.live_text(site, store, row.page.source)
    return diffs.pieces(live or "", row.page.source_text, context=12) if live is not None else []


def last_savers(db_path) -> dict[str, str]:
    """The account that last saved each article on the desk (from the audit log)."""
    savers: dict[str, str] = {}
    for entry in reversed(audit.recent(db_path, limit=5000)):
        if entry.action == "save" and entry.article:
            savers[entry.article] = entry.who
    return savers
