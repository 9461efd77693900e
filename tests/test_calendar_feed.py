"""Calendar feeds over HTTP: a link from a real `ปฏิทิน`, read by two independent parsers."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from flask.testing import FlaskClient

from tests.support.chat import Say, said
from tests.support.events import (
    ADMIN,
    GROUP,
    OFFICER_A,
    OFFICER_B,
    OTHER_GROUP,
    SUPERVISOR,
    in_group,
    join,
)
from tests.support.web import PUBLIC_BASE_URL

BANGKOK = ZoneInfo("Asia/Bangkok")


def set_up(say: Say, group: str = GROUP, province: str | None = None) -> None:
    """A group with a supervisor, a meeting on the 15th at 09:30 and maybe a province."""
    say(join(group))
    say(in_group("ตั้งหัวหน้า @สมศักดิ์", ADMIN, (SUPERVISOR, "@สมศักดิ์"), group=group))
    say(in_group("ตั้งประชุม ทุกวันที่ 15 เวลา 09:30", SUPERVISOR, group=group))
    if province:
        say(in_group(f"ตั้งจังหวัด {province}", SUPERVISOR, group=group))


def add(say: Say, title: str, when: str, group: str = GROUP, owner: str = OFFICER_A) -> int:
    """A task for one officer; its number."""
    [added] = say(
        in_group(f"เพิ่มงาน {title} @คน กำหนด {when}", SUPERVISOR, (owner, "@คน"), group=group)
    )
    return int(said([added]).split("#", 1)[1].split()[0])


def feed_path(say: Say, user: str = OFFICER_A, group: str | None = GROUP) -> str:
    """The feed link `ปฏิทิน` answers with, as a path on the app."""
    [link] = re.findall(r"https?://\S+\.ics", said(say(in_group("ปฏิทิน", user, group=group))))
    assert link.startswith(PUBLIC_BASE_URL + "/calendar/")
    return link.removeprefix(PUBLIC_BASE_URL)


def events(client: FlaskClient, path: str) -> dict[str, Any]:
    """The feed's events by UID (parsed by icalendar), checking the download itself."""
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_a_group_feed_has_the_shifted_meeting_and_the_deadlines(
    conversation: Say, client: FlaskClient
) -> None:
    set_up(conversation)
    number = add(conversation, "ทำป้ายประกาศ", "28 มิ.ย. 2567")
    found = events(client, feed_path(conversation))
    june = found[f"meeting-{GROUP}-2024-06@tidtam"]
    # 15 June 2024 was a Saturday: the meeting is on Monday 17 June, and the feed says why.
    assert june.decoded("dtstart") == datetime(2024, 6, 17, 9, 30, tzinfo=BANGKOK)
    assert "15 มิ.ย. 2567" in str(june["description"]) and "เสาร์" in str(june["description"])
    deadline = found[f"task-{number}@tidtam"]
    assert deadline.decoded("dtstart") == date(2024, 6, 28)  # all day
    assert "ทำป้ายประกาศ" in str(deadline["summary"])


def test_a_yala_group_meets_on_the_18th_in_june_2024(
    conversation: Say, client: FlaskClient
) -> None:
    set_up(conversation, province="ยะลา")
    found = events(client, feed_path(conversation))
    june = found[f"meeting-{GROUP}-2024-06@tidtam"]
    # Monday 17 June was a day off in Yala (Eid al-Adha), so the meeting moved once more.
    assert june.decoded("dtstart") == datetime(2024, 6, 18, 9, 30, tzinfo=BANGKOK)


def test_a_second_parser_reads_the_same_feed(conversation: Say, client: FlaskClient) -> None:
    set_up(conversation)
    number = add(conversation, "จัดทำคู่มือ", "31 มี.ค. 2567")
    body = client.get(feed_path(conversation)).data.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in body and "X-PUBLISHED-TTL:PT6H" in body
    parsed = vobject.readOne(body)
    by_uid = {event.uid.value: event for event in parsed.vevent_list}
    assert by_uid[f"task-{number}@tidtam"].dtstart.value == date(2024, 3, 31)
    meeting = by_uid[f"meeting-{GROUP}-2024-06@tidtam"].dtstart.value
    assert meeting.astimezone(BANGKOK) == datetime(2024, 6, 17, 9, 30, tzinfo=BANGKOK)


def test_downloads_keep_their_uids_and_follow_changes(
    conversation: Say, client: FlaskClient
) -> None:
    set_up(conversation)
    kept = add(conversation, "งานที่อยู่ต่อ", "31 มี.ค. 2567")
    dropped = add(conversation, "งานที่ยกเลิก", "30 เม.ย. 2567")
    path = feed_path(conversation)
    first = events(client, path)
    assert feed_path(conversation) == path  # asking again gives the same link
    conversation(in_group(f"เลื่อน #{kept} 15 พ.ค. 2567", SUPERVISOR))
    conversation(in_group(f"ยกเลิก #{dropped}", SUPERVISOR))
    second = events(client, path)
    assert set(second) == set(first) - {f"task-{dropped}@tidtam"}  # updated, never duplicated
    assert second[f"task-{kept}@tidtam"].decoded("dtstart") == date(2024, 5, 15)


def test_a_monthly_duty_has_one_event_per_month(conversation: Say, client: FlaskClient) -> None:
    set_up(conversation)
    number = add(conversation, "สรุปผลจัดซื้อ", "ทุกสิ้นเดือน")
    found = events(client, feed_path(conversation))
    months = sorted(uid for uid in found if uid.startswith(f"task-{number}-"))
    # From March 2024 to the fiscal year's end (September): seven months, each its own UID.
    assert months == [f"task-{number}-2024-{m:02d}@tidtam" for m in range(3, 10)]
    assert found[f"task-{number}-2024-03@tidtam"].decoded("dtstart") == date(2024, 3, 29)


def test_a_group_feed_never_shows_another_group_s_tasks(
    conversation: Say, client: FlaskClient
) -> None:
    set_up(conversation)
    set_up(conversation, group=OTHER_GROUP)
    ours = add(conversation, "งานกลุ่มเรา", "31 มี.ค. 2567")
    theirs = add(conversation, "งานกลุ่มอื่น", "31 มี.ค. 2567", group=OTHER_GROUP)
    found = events(client, feed_path(conversation))
    assert f"task-{ours}@tidtam" in found and f"task-{theirs}@tidtam" not in found
    assert not [uid for uid in found if OTHER_GROUP in uid]


def test_a_personal_feed_has_only_one_s_own_deadlines_from_every_group(
    conversation: Say, client: FlaskClient
) -> None:
    set_up(conversation)
    set_up(conversation, group=OTHER_GROUP)
    mine_here = add(conversation, "ของฉันกลุ่มแรก", "31 มี.ค. 2567")
    mine_there = add(conversation, "ของฉันกลุ่มสอง", "30 เม.ย. 2567", group=OTHER_GROUP)
    not_mine = add(conversation, "ของคนอื่น", "31 มี.ค. 2567", owner=OFFICER_B)
    found = events(client, feed_path(conversation, OFFICER_A, group=None))
    assert set(found) == {f"task-{mine_here}@tidtam", f"task-{mine_there}@tidtam"}
    assert not_mine not in (mine_here, mine_there)


def test_tampered_and_revoked_links_are_refused_in_thai(
    conversation: Say, client: FlaskClient
) -> None:
    set_up(conversation)
    path = feed_path(conversation)
    tampered = client.get(path.replace(".ics", "x.ics"))
    assert tampered.status_code == 403 and "ไม่ถูกต้อง" in tampered.get_data(as_text=True)
    refused = said(conversation(in_group("ปฏิทิน ยกเลิก", OFFICER_A)))
    assert "หัวหน้า" in refused  # the group's link is its supervisors' to revoke
    assert client.get(path).status_code == 200
    assert "ยกเลิกลิงก์ปฏิทิน" in said(conversation(in_group("ปฏิทิน ยกเลิก", SUPERVISOR)))
    revoked = client.get(path)
    assert revoked.status_code == 410 and "ยกเลิกแล้ว" in revoked.get_data(as_text=True)
    fresh = feed_path(conversation)
    assert fresh != path and client.get(fresh).status_code == 200


@pytest.mark.no_public_base_url
def test_without_a_public_address_the_command_says_what_is_missing(conversation: Say) -> None:
    set_up(conversation)
    assert "PUBLIC_BASE_URL" in said(conversation(in_group("ปฏิทิน", OFFICER_A)))
