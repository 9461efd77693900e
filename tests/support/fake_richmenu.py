"""The fake LINE's rich menus: create, list, default, delete and image upload, checked like LINE."""

from __future__ import annotations

import itertools
import struct
import threading
from dataclasses import dataclass, field
from typing import Any

# LINE's limits (Messaging API reference: rich menu object, upload rich menu image).
MAX_AREAS = 20
MAX_NAME = 300
MAX_CHAT_BAR_TEXT = 14
MAX_ACTION_LABEL = 20
MAX_MESSAGE_TEXT = 300
MIN_WIDTH, MAX_WIDTH, MIN_HEIGHT, MIN_ASPECT = 800, 2500, 250, 1.45
MAX_IMAGE_BYTES = 1024 * 1024
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpeg"}
ACTION_TYPES = {
    "postback",
    "message",
    "uri",
    "datetimepicker",
    "richmenuswitch",
    "camera",
    "cameraRoll",
    "location",
}
CONTENT_SUFFIX = "/content"
RICH_MENU_PREFIX = "/v2/bot/richmenu/"
DEFAULT_PATH = "/v2/bot/user/all/richmenu"


def menu_problems(menu: Any) -> list[dict[str, str]]:
    """What LINE would list in a 400 for this rich menu object (empty when it is valid)."""
    if not isinstance(menu, dict):
        return [{"message": "must be a JSON object", "property": ""}]
    problems: list[dict[str, str]] = []

    def problem(prop: str, message: str) -> None:
        problems.append({"message": message, "property": prop})

    size = menu.get("size")
    width = height = 0
    if not isinstance(size, dict):
        problem("size", "must be specified")
    else:
        width, height = size.get("width"), size.get("height")
        if not (isinstance(width, int) and MIN_WIDTH <= width <= MAX_WIDTH):
            problem("size.width", f"must be between {MIN_WIDTH} and {MAX_WIDTH}")
        if not (isinstance(height, int) and height >= MIN_HEIGHT):
            problem("size.height", f"must be {MIN_HEIGHT} or more")
        if isinstance(width, int) and isinstance(height, int) and height and width / height < 1.45:
            problem("size", f"width / height must be {MIN_ASPECT} or more")
    if not isinstance(menu.get("selected"), bool):
        problem("selected", "must be true or false")
    name = menu.get("name")
    if not (isinstance(name, str) and 0 < len(name) <= MAX_NAME):
        problem("name", f"must be 1 to {MAX_NAME} characters")
    chat_bar = menu.get("chatBarText")
    if not (isinstance(chat_bar, str) and 0 < len(chat_bar) <= MAX_CHAT_BAR_TEXT):
        problem("chatBarText", f"must be 1 to {MAX_CHAT_BAR_TEXT} characters")
    areas = menu.get("areas")
    if not isinstance(areas, list):
        problem("areas", "must be specified")
        return problems
    if len(areas) > MAX_AREAS:
        problem("areas", f"size must be between 0 and {MAX_AREAS}")
    for index, area in enumerate(areas):
        where = f"areas[{index}]"
        bounds = area.get("bounds") if isinstance(area, dict) else None
        if not isinstance(bounds, dict) or not all(
            isinstance(bounds.get(key), int) for key in ("x", "y", "width", "height")
        ):
            problem(f"{where}.bounds", "must have whole-number x, y, width and height")
        elif (
            bounds["x"] < 0
            or bounds["y"] < 0
            or bounds["width"] < 1
            or bounds["height"] < 1
            or bounds["x"] + bounds["width"] > width
            or bounds["y"] + bounds["height"] > height
        ):
            problem(f"{where}.bounds", "must be within the rich menu's size")
        action = area.get("action") if isinstance(area, dict) else None
        problems += [
            {"message": message, "property": f"{where}.action{prop}"}
            for prop, message in _action_problems(action)
        ]
    return problems


def _action_problems(action: Any) -> list[tuple[str, str]]:
    """Problems of one area's action object: (property suffix, message)."""
    if not isinstance(action, dict) or action.get("type") not in ACTION_TYPES:
        return [("", "must be an action object of a known type")]
    found = []
    label = action.get("label")
    if label is not None and not (isinstance(label, str) and len(label) <= MAX_ACTION_LABEL):
        found.append((".label", f"must be at most {MAX_ACTION_LABEL} characters"))
    text = action.get("text")
    if action["type"] == "message" and not (
        isinstance(text, str) and 0 < len(text) <= MAX_MESSAGE_TEXT
    ):
        found.append((".text", f"must be 1 to {MAX_MESSAGE_TEXT} characters"))
    return found


def image_dimensions(image: bytes) -> tuple[str, int, int] | None:
    """('png' or 'jpeg', width, height) read from the file's header, or None if neither."""
    if image.startswith(b"\x89PNG\r\n\x1a\n") and image[12:16] == b"IHDR":
        width, height = struct.unpack(">II", image[16:24])
        return "png", width, height
    if image.startswith(b"\xff\xd8"):
        at = 2
        while at + 9 <= len(image) and image[at] == 0xFF:
            marker, length = image[at + 1], struct.unpack(">H", image[at + 2 : at + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start of frame
                height, width = struct.unpack(">HH", image[at + 5 : at + 9])
                return "jpeg", width, height
            at += 2 + length
    return None


def image_problems(image: bytes, content_type: str, size: dict[str, int]) -> list[str]:
    """Why LINE would refuse this image for a menu of `size` (empty when it would take it)."""
    problems = []
    if len(image) > MAX_IMAGE_BYTES:
        problems.append(f"the image is {len(image):,} bytes, more than 1 MB")
    kind = IMAGE_TYPES.get(content_type.split(";")[0].strip().lower())
    found = image_dimensions(image)
    if kind is None:
        problems.append(f"Content-Type {content_type!r} is not image/png or image/jpeg")
    elif found is None or found[0] != kind:
        problems.append(f"the body is not a {kind.upper()} image")
    if found is not None and (found[1], found[2]) != (size["width"], size["height"]):
        problems.append(
            f"the image is {found[1]}×{found[2]}, the rich menu {size['width']}×{size['height']}"
        )
    return problems


@dataclass
class FakeRichMenus:
    """The channel's rich menus as LINE keeps them: objects, images, the default."""

    menus: dict[str, dict[str, Any]] = field(default_factory=dict)
    images: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    default: str | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handles(self, path: str) -> bool:
        """True for the rich-menu endpoints (API host and data host)."""
        return path.startswith((RICH_MENU_PREFIX, DEFAULT_PATH)) or path == "/v2/bot/richmenu"

    def answer(
        self, method: str, path: str, body: Any, content_type: str, on_data_host: bool
    ) -> tuple[int, Any]:
        """LINE's answer to a rich-menu call; uploads only on the data host, the rest not."""
        with self._lock:
            if path.endswith(CONTENT_SUFFIX) and path.startswith(RICH_MENU_PREFIX):
                if not on_data_host:
                    return 404, {"message": "Not found"}  # api.line.me does not take uploads
                rich_menu_id = path[len(RICH_MENU_PREFIX) : -len(CONTENT_SUFFIX)]
                if method == "POST":
                    return self._upload(rich_menu_id, body, content_type)
                if method == "GET" and rich_menu_id in self.images:
                    return 200, self.images[rich_menu_id][1]
                return 404, {"message": "Not found"}
            if on_data_host:
                return 404, {"message": "Not found"}  # api-data.line.me serves content only
            return self._answer_api(method, path, body)

    def _answer_api(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        """The calls on LINE's API host."""
        if method == "POST" and path == "/v2/bot/richmenu":
            problems = menu_problems(body)
            if problems:
                return 400, {
                    "message": f"The request body has {len(problems)} error(s)",
                    "details": problems,
                }
            rich_menu_id = f"richmenu-{next(self._ids):032x}"
            self.menus[rich_menu_id] = {"richMenuId": rich_menu_id, **body}
            return 200, {"richMenuId": rich_menu_id}
        if method == "GET" and path == "/v2/bot/richmenu/list":
            return 200, {"richmenus": list(self.menus.values())}
        if path == DEFAULT_PATH:
            if method == "GET":
                if self.default is None:
                    return 404, {"message": "no default richmenu"}
                return 200, {"richMenuId": self.default}
            if method == "DELETE":
                self.default = None
                return 200, {}
        if method == "POST" and path.startswith(DEFAULT_PATH + "/"):
            rich_menu_id = path[len(DEFAULT_PATH) + 1 :]
            if rich_menu_id not in self.menus:
                return 404, {"message": "richmenu not found"}
            if rich_menu_id not in self.images:
                return 400, {"message": "must upload richmenu image before applying it to user"}
            self.default = rich_menu_id
            return 200, {}
        if path.startswith(RICH_MENU_PREFIX):
            rich_menu_id = path[len(RICH_MENU_PREFIX) :]
            if rich_menu_id not in self.menus:
                return 404, {"message": "Not found"}
            if method == "GET":
                return 200, self.menus[rich_menu_id]
            if method == "DELETE":
                del self.menus[rich_menu_id]
                self.images.pop(rich_menu_id, None)
                if self.default == rich_menu_id:
                    self.default = None  # deleting the default menu leaves no default
                return 200, {}
        return 404, {"message": "Not found"}

    def _upload(self, rich_menu_id: str, body: Any, content_type: str) -> tuple[int, Any]:
        """Attach an image once; it must fit the menu it is for."""
        menu = self.menus.get(rich_menu_id)
        if menu is None:
            return 404, {"message": "Not found"}
        if rich_menu_id in self.images:
            return 400, {"message": "An image has already been uploaded to the richmenu"}
        image = body if isinstance(body, bytes) else b""
        if len(image) > MAX_IMAGE_BYTES:
            return 413, {"message": "Request Entity Too Large"}
        problems = image_problems(image, content_type, menu["size"])
        if problems:
            return 400, {"message": "; ".join(problems)}
        self.images[rich_menu_id] = (content_type, image)
        return 200, {}
