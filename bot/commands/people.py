"""Who does what: a task's owners, and who is a supervisor."""

from __future__ import annotations

from bot import store, texts
from bot.context import Context, Refusal, display_name
from bot.router import TASK_NUMBER, Reply, command
from models.tables import Person, Role
from scheduler.messages import Mention, text_with_mentions


@command("เพิ่มคน", args=TASK_NUMBER, usage="เพิ่มคน #เลขงาน @คน", example="เพิ่มคน #12 @สมศรี")
def add_owner(ctx: Context, number: str) -> Reply:
    """(ผู้รับผิดชอบ/หัวหน้า) เพิ่มผู้รับผิดชอบงาน"""
    task = ctx.task(int(number))
    assert task.id is not None
    ctx.require_can_change(task)
    if not ctx.mentions:
        raise Refusal(texts.mention_someone(f"เพิ่มคน #{task.id} @สมศรี"))
    before = [p.line_user_id for p in store.owners_of(ctx.session, task)]
    store.set_owners(ctx.session, task, ctx.mentions)
    after = [p.line_user_id for p in store.owners_of(ctx.session, task)]
    ctx.audit("task.owners", "task", task.id, before={"owners": before}, after={"owners": after})
    mentions = [Mention(f"o{i}", person.line_user_id) for i, person in enumerate(ctx.mentions)]
    return text_with_mentions(texts.owners_added(task.id, [m.key for m in mentions]), mentions)


@command("ลบคน", args=TASK_NUMBER, usage="ลบคน #เลขงาน @คน", example="ลบคน #12 @สมศรี")
def remove_owner(ctx: Context, number: str) -> Reply:
    """(ผู้รับผิดชอบ/หัวหน้า) นำคนออกจากผู้รับผิดชอบงาน"""
    task = ctx.task(int(number))
    assert task.id is not None
    ctx.require_can_change(task)
    if not ctx.mentions:
        raise Refusal(texts.mention_someone(f"ลบคน #{task.id} @สมศรี"))
    owners = store.owners_of(ctx.session, task)
    owner_ids = {p.id for p in owners}
    strangers = [display_name(p) for p in ctx.mentions if p.id not in owner_ids]
    if strangers:
        raise Refusal(texts.not_an_owner(task.id, strangers))
    if len(owner_ids - {p.id for p in ctx.mentions}) == 0:
        raise Refusal(texts.last_owner(task.id))
    store.remove_owners(ctx.session, task, ctx.mentions)
    ctx.audit(
        "task.owners",
        "task",
        task.id,
        before={"owners": [p.line_user_id for p in owners]},
        after={"owners": [p.line_user_id for p in store.owners_of(ctx.session, task)]},
    )
    return texts.owners_removed(task.id, [display_name(p) for p in ctx.mentions])


@command(
    "ตั้งหัวหน้า", args=r".*", roles=(Role.ADMIN,), usage="ตั้งหัวหน้า @คน", example="ตั้งหัวหน้า @สมศักดิ์"
)
def make_supervisor(ctx: Context) -> Reply:
    """(ผู้ดูแลระบบ) ตั้งคนที่แท็กเป็นหัวหน้า"""
    if not ctx.mentions:
        raise Refusal(texts.mention_someone("ตั้งหัวหน้า @สมศักดิ์"))
    promoted: list[Person] = []
    for person in ctx.mentions:
        if (
            person.role != Role.SUPERVISOR.value
            and person.line_user_id not in ctx.settings.admin_ids
        ):
            ctx.audit(
                "person.role",
                "person",
                person.line_user_id,
                before={"role": person.role},
                after={"role": Role.SUPERVISOR.value},
            )
            person.role = Role.SUPERVISOR.value
        promoted.append(person)
    mentions = [Mention(f"p{i}", person.line_user_id) for i, person in enumerate(promoted)]
    return text_with_mentions(texts.supervisors_set([m.key for m in mentions]), mentions)


@command(
    "ยกเลิกหัวหน้า",
    args=r".*",
    roles=(Role.ADMIN,),
    usage="ยกเลิกหัวหน้า @คน",
    example="ยกเลิกหัวหน้า @สมศักดิ์",
)
def remove_supervisor(ctx: Context) -> Reply:
    """(ผู้ดูแลระบบ) ให้หัวหน้าที่แท็กกลับเป็นเจ้าหน้าที่"""
    if not ctx.mentions:
        raise Refusal(texts.mention_someone("ยกเลิกหัวหน้า @สมศักดิ์"))
    admins = [display_name(p) for p in ctx.mentions if p.line_user_id in ctx.settings.admin_ids]
    if admins:
        raise Refusal(texts.admin_role_fixed(admins))
    for person in ctx.mentions:
        if person.role != Role.OFFICER.value:
            ctx.audit(
                "person.role",
                "person",
                person.line_user_id,
                before={"role": person.role},
                after={"role": Role.OFFICER.value},
            )
            person.role = Role.OFFICER.value
    return texts.supervisors_unset([display_name(p) for p in ctx.mentions])
