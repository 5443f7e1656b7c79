"""The rules of 三审三校, applied the same way when signing and when verifying: who may sign which
stage, in which order, and separation of duties (three different people for 初审, 复审 and 终审; no 校 and
no 终审 by the author).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from generator.checks.review.records import PROOF_STAGES, REVIEW_STAGES, STAGES, Event, Person


@dataclass
class RevisionState:
    """Where one revision stands: its approvals by stage, its returns, and when it became
    complete."""

    approvals: dict[str, Event] = field(default_factory=dict)
    returns: list[Event] = field(default_factory=list)
    complete_at: datetime | None = None

    def next_stage(self) -> str | None:
        """The stage that may be signed now (None when all six are signed)."""
        return next((s for s in STAGES if s not in self.approvals), None)


def refuse_approve(
    state: RevisionState,
    stage: str,
    person: Person | None,
    signer: str,
    author: str,
    separation: bool,
) -> str | None:
    """Why `signer` may not sign `stage` of a revision in `state` (None when they may)."""
    if stage not in STAGES:
        return f"不认识的审核环节 “{stage}”（只能是 {'、'.join(STAGES)}）"
    if person is None:
        return f"{signer} 不在审核名单上"
    if stage not in person.stages:
        return f"{signer} 无权签署{stage}（名单上可签：{'、'.join(person.stages) or '无'}）"
    if state.returns:
        return f"这一版已被{state.returns[-1].signer}退回（{state.returns[-1].reason}），请修改后重新送审"
    if stage in state.approvals:
        return f"{stage}已由{state.approvals[stage].signer}签署"
    missing = [s for s in STAGES[:STAGES.index(stage)] if s not in state.approvals]
    if missing:
        return f"还不能签{stage}：要先签{'、'.join(missing)}"
    if separation:
        return _separation(state, stage, signer, author)
    return None


def _separation(state: RevisionState, stage: str, signer: str, author: str) -> str | None:
    if stage in REVIEW_STAGES:
        same = [
            s for s in REVIEW_STAGES if s in state.approvals and state.approvals[s].signer == signer
        ]
        if same:
            return f"{signer} 已签过{same[0]}：初审、复审、终审必须由三个不同的人签署"
    if author and signer == author and (stage in PROOF_STAGES or stage == "终审"):
        return f"{signer} 是这篇文章的作者，不能签{stage}"
    return None


def refuse_return(
    state: RevisionState, stage: str, person: Person | None, signer: str, reason: str
) -> str | None:
    """Why `signer` may not return a revision at `stage` (None when they may)."""
    if stage not in STAGES:
        return f"不认识的审核环节 “{stage}”"
    if person is None or stage not in person.stages:
        return f"{signer} 无权在{stage}退回稿件"
    if not reason.strip():
        return "退回必须写明理由（--reason）"
    if state.complete_at is not None:
        return "这一版已经审定；要撤下请用撤稿（review withdraw）"
    return None


def refuse_withdraw(person: Person | None, signer: str) -> str | None:
    """Why `signer` may not withdraw an article (None when they may: anyone entitled to 终审)."""
    if person is None or "终审" not in person.stages:
        return f"{signer} 无权撤稿：只有能签终审的人可以撤稿"
    return None


def apply(state: RevisionState, event: Event) -> None:
    """Record an accepted approval or return in a revision's state."""
    if event.kind == "approve":
        state.approvals[event.stage] = event
        if state.complete_at is None and all(s in state.approvals for s in STAGES):
            state.complete_at = event.time
    elif event.kind == "return":
        state.returns.append(event)
