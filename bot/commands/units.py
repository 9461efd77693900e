"""The plan's responsible units: bind one to this group, list them all."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from sqlmodel import col, func, select

from bot import texts
from bot.context import SUPERVISORS, Context
from bot.plan.importer import bind_unit
from bot.router import Reply, command
from models.tables import ChatGroup, Role, Task, TaskKind, TaskUnit, Unit
from scheduler.messages import MAX_LABEL, Button, Message, text
from scheduler.recurrence import Recurrence

MAX_CANDIDATES = 5
_SPACES = re.compile(r"\s+")


@command(
    "ผูกหน่วยงาน",
    "bind",
    args=r"(?P<name>.*)",
    roles=SUPERVISORS,
    group_only=True,
    usage="ผูกหน่วยงาน <ชื่อหน่วยงาน>",
    example="ผูกหน่วยงาน สำนักปลัดเทศบาล งานธุรการ",
)
def bind(ctx: Context, name: str = "") -> Reply:
    """(หัวหน้า) ให้งานตามแผนของหน่วยงานนี้รายงานและแจ้งเตือนในกลุ่มนี้"""
    group = ctx.group
    assert group is not None
    units = list(ctx.session.exec(select(Unit).order_by(col(Unit.id))))
    if not units:
        return texts.UNITS_NONE
    typed = _SPACES.sub(" ", name).strip()
    if not typed:
        return _offer(texts.UNIT_NAME_NEEDED, [unit.name for unit in units])
    unit = _unit_matching(units, typed)
    if isinstance(unit, list):
        if not unit:
            return _offer(texts.unit_not_found(typed), [u.name for u in units])
        return _offer(texts.unit_choose(typed, [u.name for u in unit]), [u.name for u in unit])
    before = {"group_id": unit.group_id, "meeting_day": group.meeting_day}
    moved_from = None
    if unit.group_id is not None and unit.group_id != group.id:
        previous = ctx.session.get(ChatGroup, unit.group_id)
        moved_from = texts.group_label(previous.name, previous.line_group_id) if previous else None
    binding = bind_unit(ctx.session, unit, group, ctx.now)
    ctx.audit(
        "unit.bind",
        "unit",
        unit.id,
        before=before,
        after={
            "group_id": group.id,
            "meeting_day": group.meeting_day,
            "tasks": binding.steps,
            "shared_tasks": binding.shared_steps,
        },
    )
    meeting = None
    if binding.meeting_day is not None:
        meeting = Recurrence("monthly", day=binding.meeting_day).describe()
    return text(
        texts.unit_bound(
            unit.name,
            binding.measures,
            binding.steps,
            moved_from,
            meeting,
            (binding.shared_measures, binding.shared_steps),
            binding.leads,
        ),
        ("สถานะ", "ประชุม") if meeting else ("สถานะ",),
    )


def _unit_matching(units: Sequence[Unit], typed: str) -> Unit | list[Unit]:
    """The unit meant by `typed`, or the candidates to offer (none when nothing is close).

    An exact name, or a part of exactly one name ("งานธุรการ"), binds at once; otherwise the
    close matches (difflib) over whole names and over the part after the division's name.
    """
    folded = typed.casefold()
    by_name = {_SPACES.sub(" ", unit.name).casefold(): unit for unit in units}
    if folded in by_name:
        return by_name[folded]
    containing = [unit for key, unit in by_name.items() if folded in key]
    if len(containing) == 1 and len(folded) >= 4:
        return containing[0]
    keys: dict[str, Unit] = {}
    for key, unit in by_name.items():
        keys[key] = unit
        keys.setdefault(key.rsplit(" ", 1)[-1], unit)  # "งานธุรการ" for "สำนักปลัดเทศบาล งานธุรการ"
    close = difflib.get_close_matches(folded, list(keys), n=MAX_CANDIDATES * 2, cutoff=0.6)
    found: dict[int | None, Unit] = {}
    for unit in [*containing, *(keys[key] for key in close)]:
        found.setdefault(unit.id, unit)
    return list(found.values())[:MAX_CANDIDATES]


def _offer(body: str, unit_names: Sequence[str]) -> Message:
    """A text whose buttons each send "ผูกหน่วยงาน <name>" (labelled by the distinctive part)."""
    return text(body, [Button(_label(name), f"ผูกหน่วยงาน {name}") for name in unit_names])


def _label(unit_name: str) -> str:
    """A button label within LINE's 20 characters: the unit's own part of the name."""
    last = unit_name.rsplit(" ", 1)[-1]
    return (last if len(last) <= MAX_LABEL else last[: MAX_LABEL - 1] + "…") or "?"


@command("หน่วยงาน", "units", roles=(Role.ADMIN,), usage="หน่วยงาน")
def list_units(ctx: Context) -> Reply:
    """(ผู้ดูแลระบบ) ดูหน่วยงานตามแผน กลุ่มที่ผูกไว้ และหน่วยที่ยังไม่ผูก"""
    units = list(ctx.session.exec(select(Unit).order_by(col(Unit.id))))
    if not units:
        return texts.UNITS_NONE
    counts = dict(
        ctx.session.exec(
            select(Task.unit_id, func.count())
            .where(col(Task.kind).in_([TaskKind.MEASURE.value, TaskKind.STEP.value]))
            .group_by(col(Task.unit_id))
        ).all()
    )
    shared = dict(
        ctx.session.exec(
            select(TaskUnit.unit_id, func.count())
            .where(~col(TaskUnit.is_lead))
            .group_by(col(TaskUnit.unit_id))
        ).all()
    )
    group_ids = {unit.group_id for unit in units if unit.group_id is not None}
    groups = {
        group.id: group
        for group in ctx.session.exec(select(ChatGroup).where(col(ChatGroup.id).in_(group_ids)))
    }
    lines = []
    for unit in sorted(units, key=lambda u: (u.group_id is not None, u.id or 0)):
        group = groups.get(unit.group_id) if unit.group_id is not None else None
        label = texts.group_label(group.name, group.line_group_id) if group else None
        lines.append(
            texts.unit_line(unit.name, label, counts.get(unit.id, 0), shared.get(unit.id or 0, 0))
        )
    unbound = sum(unit.group_id is None for unit in units)
    body = "\n".join([texts.units_heading(len(units), unbound), *lines, "", texts.UNITS_FOOTER])
    return text(body)
