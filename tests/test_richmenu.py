"""`python -m bot richmenu install|remove` against the fake LINE, and the shipped menu image."""

from __future__ import annotations

import importlib.util
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import richmenu_command
from bot.commands import build_router
from bot.line_api import LineClient
from bot.richmenu import BUTTONS, MENU_NAME, menu_definition, menu_image
from models.settings import Settings
from scheduler.messenger import PushRejected
from tests.support.fake_line import FakeLine
from tests.support.fake_richmenu import (
    MAX_IMAGE_BYTES,
    image_dimensions,
    image_problems,
    menu_problems,
)
from tests.support.processes import clean_environment, free_port, run_module
from tests.support.web import repository_root

SET_DEFAULT = "/v2/bot/user/all/richmenu/"


def calls(fake_line: FakeLine) -> list[tuple[str, str, bool]]:
    """(method, path, on the data host) of every rich-menu call LINE received, in order."""
    return [
        (request.method, request.path, request.on_data_host)
        for request in fake_line.requests
        if "richmenu" in request.path
    ]


def install(settings: Settings, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run `richmenu install`: exit code, stdout, stderr."""
    code = richmenu_command(settings, "install")
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_install_creates_the_menu_uploads_its_image_and_makes_it_the_default(
    settings: Settings, fake_line: FakeLine, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = install(settings, capsys)
    assert (code, err) == (0, "")
    [rich_menu_id] = fake_line.rich_menus.menus
    assert fake_line.rich_menus.default == rich_menu_id
    assert fake_line.rich_menus.images[rich_menu_id] == ("image/png", menu_image())
    assert calls(fake_line) == [
        ("GET", "/v2/bot/richmenu/list", False),
        ("POST", "/v2/bot/richmenu", False),
        ("POST", f"/v2/bot/richmenu/{rich_menu_id}/content", True),  # LINE's data host
        ("POST", SET_DEFAULT + rich_menu_id, False),
    ]
    created = fake_line.rich_menus.menus[rich_menu_id]
    assert created["name"] == MENU_NAME
    assert [area["action"]["text"] for area in created["areas"]] == [b.command for b in BUTTONS]
    assert f"created rich menu {rich_menu_id}" in out
    assert "uploaded its image" in out
    assert out.splitlines()[-1] == f"rich menu installed: {rich_menu_id}"


def test_a_second_install_replaces_the_menu_after_the_new_one_is_the_default(
    settings: Settings, fake_line: FakeLine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert install(settings, capsys)[0] == 0
    [first] = fake_line.rich_menus.menus
    code, out, _ = install(settings, capsys)
    assert code == 0
    [second] = fake_line.rich_menus.menus  # never two menus left
    assert second != first and fake_line.rich_menus.default == second
    order = [(method, path) for method, path, _ in calls(fake_line)]
    # Users always have a menu: the old one goes only once the new one is the default.
    assert order.index(("POST", SET_DEFAULT + second)) < order.index(
        ("DELETE", f"/v2/bot/richmenu/{first}")
    )
    assert f"deleted the previous rich menu {first}" in out
    assert out.splitlines()[-1] == f"rich menu installed: {second}, replacing 1"


def test_remove_unsets_the_default_and_deletes_the_menu(
    settings: Settings, fake_line: FakeLine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert install(settings, capsys)[0] == 0
    [rich_menu_id] = fake_line.rich_menus.menus
    assert richmenu_command(settings, "remove") == 0
    out = capsys.readouterr().out
    assert fake_line.rich_menus.menus == {} and fake_line.rich_menus.default is None
    assert ("DELETE", "/v2/bot/user/all/richmenu", False) in calls(fake_line)
    assert f"deleted rich menu {rich_menu_id}" in out
    assert richmenu_command(settings, "remove") == 0
    assert capsys.readouterr().out.strip() == "no rich menu of ours to remove"


def test_remove_leaves_a_menu_someone_else_made_and_its_default_alone(
    settings: Settings, fake_line: FakeLine, capsys: pytest.CaptureFixture[str]
) -> None:
    line = LineClient.from_settings(settings)
    try:
        theirs = line.create_rich_menu({**menu_definition(), "name": "campaign"})
        line.upload_rich_menu_image(theirs, menu_image(), "image/png")
        line.set_default_rich_menu(theirs)
    finally:
        line.close()
    assert richmenu_command(settings, "remove") == 0
    assert list(fake_line.rich_menus.menus) == [theirs]
    assert fake_line.rich_menus.default == theirs


def test_line_refusing_the_menu_is_one_line_and_a_non_zero_exit(
    settings: Settings, fake_line: FakeLine, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_line.answer(
        "POST", "/v2/bot/richmenu", 400, {"message": "The request body has 1 error(s)"}
    )
    code, out, err = install(settings, capsys)
    assert code == 1 and out == ""
    assert err == (
        "tidtam: richmenu install: could not create the rich menu: "
        "LINE answered 400: The request body has 1 error(s)\n"
    )


def test_a_failed_upload_takes_the_new_menu_back_and_keeps_the_old_default(
    settings: Settings, fake_line: FakeLine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert install(settings, capsys)[0] == 0
    [old] = fake_line.rich_menus.menus
    fake_line.answer("POST", "/v2/bot/richmenu/richmenu-", 500, {"message": "Internal error"})
    code, _, err = install(settings, capsys)
    assert code == 1
    assert "could not upload its image: LINE answered 500: Internal error" in err
    assert list(fake_line.rich_menus.menus) == [old]  # the half-made one was deleted
    assert fake_line.rich_menus.default == old


@pytest.fixture
def cli_env(fake_line: FakeLine) -> Iterator[dict[str, str]]:
    """The environment of a real `python -m bot richmenu …` process talking to the fake LINE."""
    yield clean_environment(
        BOT_ENV="test",
        LINE_CHANNEL_SECRET="secret",
        LINE_CHANNEL_ACCESS_TOKEN="token",
        LINE_API_BASE_URL=fake_line.base_url,
        LINE_API_DATA_BASE_URL=fake_line.data_base_url,
        LINE_REQUEST_TIMEOUT="5",
    )


def test_the_real_command_installs_twice_and_leaves_one_menu(
    cli_env: dict[str, str], fake_line: FakeLine, tmp_path: Path
) -> None:
    for _ in range(2):
        done = run_module(["bot", "richmenu", "install"], cli_env, tmp_path)
        assert done.returncode == 0, done.stderr
    [rich_menu_id] = fake_line.rich_menus.menus
    assert fake_line.rich_menus.default == rich_menu_id
    assert done.stdout.splitlines()[-1] == f"rich menu installed: {rich_menu_id}, replacing 1"


@pytest.mark.parametrize(
    ("overrides", "code", "says"),
    [
        ({"LINE_CHANNEL_ACCESS_TOKEN": ""}, 2, "set LINE_CHANNEL_ACCESS_TOKEN"),
        ({"LINE_API_BASE_URL": f"http://127.0.0.1:{free_port()}"}, 1, "LINE did not answer"),
    ],
    ids=["no credentials", "LINE unreachable"],
)
def test_the_real_command_fails_with_one_line_and_no_traceback(
    cli_env: dict[str, str], tmp_path: Path, overrides: dict[str, str], code: int, says: str
) -> None:
    done = run_module(["bot", "richmenu", "install"], {**cli_env, **overrides}, tmp_path)
    assert done.returncode == code
    assert says in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_every_button_sends_a_command_anyone_can_use_in_a_one_to_one_chat() -> None:
    router = build_router()
    for button in BUTTONS:
        found = router.find(button.command)
        assert found is not None, f"{button.command!r} is not a chat command"
        assert not found.command.group_only, f"{button.command!r} does not answer in 1:1"
        assert found.command.roles is None, f"{button.command!r} is not for everyone"
        assert found.command.pattern.fullmatch(""), f"{button.command!r} needs more words"


def test_the_menu_and_its_shipped_image_are_what_line_accepts() -> None:
    menu = menu_definition()
    assert menu_problems(menu) == []
    assert len(menu["areas"]) == len(BUTTONS) == 6
    image = menu_image()
    assert len(image) <= MAX_IMAGE_BYTES
    assert image_dimensions(image) == ("png", menu["size"]["width"], menu["size"]["height"])
    assert image_problems(image, "image/png", menu["size"]) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"chatBarText": "เมนูติดตามงานทั้งหมดของฉัน"}, "chatBarText"),
        ({"size": {"width": 2500, "height": 2000}}, "size"),
        ({"areas": [menu_definition()["areas"][0]] * 21}, "areas"),
        (
            {
                "areas": [
                    {
                        **menu_definition()["areas"][5],
                        "bounds": {**menu_definition()["areas"][5]["bounds"], "x": 1700},
                    }
                ]
            },
            "areas[0].bounds",
        ),
    ],
    ids=["chat bar text too long", "too tall", "21 areas", "area outside the menu"],
)
def test_the_fake_line_refuses_a_menu_real_line_would(
    fake_line: FakeLine, change: dict[str, object], problem: str
) -> None:
    # Raw JSON, not the SDK: the SDK itself stops some of these before they reach LINE.
    request = urllib.request.Request(
        fake_line.base_url + "/v2/bot/richmenu",
        data=json.dumps({**menu_definition(), **change}).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer token"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400
    answer = json.loads(refused.value.read())
    assert problem in {detail["property"] for detail in answer["details"]}
    assert fake_line.rich_menus.menus == {}


def test_the_fake_line_refuses_images_and_defaults_real_line_would(
    fake_line: FakeLine,
) -> None:
    line = LineClient("token", fake_line.base_url, data_base_url=fake_line.data_base_url)
    try:
        rich_menu_id = line.create_rich_menu(menu_definition())
        with pytest.raises(PushRejected, match="must upload richmenu image"):
            line.set_default_rich_menu(rich_menu_id)
        with pytest.raises(PushRejected, match="not a JPEG"):
            line.upload_rich_menu_image(rich_menu_id, menu_image(), "image/jpeg")
        half = menu_definition()
        half["size"] = {"width": 2500, "height": 843}
        half["areas"] = []
        with pytest.raises(PushRejected, match="2500×1686, the rich menu 2500×843"):
            line.upload_rich_menu_image(line.create_rich_menu(half), menu_image(), "image/png")
        line.upload_rich_menu_image(rich_menu_id, menu_image(), "image/png")
        with pytest.raises(PushRejected, match="already been uploaded"):
            line.upload_rich_menu_image(rich_menu_id, menu_image(), "image/png")
        assert line.default_rich_menu_id() is None
        line.set_default_rich_menu(rich_menu_id)
        assert line.default_rich_menu_id() == rich_menu_id
    finally:
        line.close()
    wrong_host = LineClient("token", fake_line.base_url, data_base_url=fake_line.base_url)
    try:
        with pytest.raises(PushRejected) as refused:  # api.line.me takes no uploads
            wrong_host.upload_rich_menu_image(rich_menu_id, menu_image(), "image/png")
    finally:
        wrong_host.close()
    assert refused.value.status == 404


@pytest.mark.skipif(importlib.util.find_spec("PIL") is None, reason="pip install -e '.[render]'")
def test_the_render_script_draws_a_menu_line_accepts(tmp_path: Path) -> None:
    output = tmp_path / "richmenu.png"
    done = run_module(
        ["scripts.render_richmenu", str(output)], clean_environment(), repository_root()
    )
    assert done.returncode == 0, done.stderr
    image = output.read_bytes()
    assert image_problems(image, "image/png", menu_definition()["size"]) == []
