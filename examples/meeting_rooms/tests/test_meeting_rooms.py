"""The example relying party on its own (its sign-in with VCNET runs in tests/e2e/test_sso_e2e.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from examples.meeting_rooms.app import create_app, unit_lines
from examples.meeting_rooms.config import Config, ConfigError
from examples.meeting_rooms.store import Session


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        issuer="http://127.0.0.1:9",  # nothing listens: these tests never reach a provider
        client_id="meeting-rooms",
        client_secret="bí-mật",
        port=8001,
        host="127.0.0.1",
        base_url="http://127.0.0.1:8001",
        secret_key="khóa-thử",
        database=tmp_path / "rooms.sqlite3",
    )


@pytest.fixture
def app(config: Config) -> Any:
    return create_app(config)


@pytest.fixture
def person(app: Any) -> Session:
    store = app.extensions["meeting_rooms"]["store"]
    return store.session_create(
        sub="42",
        sid="phien-1",
        name="Nguyễn Văn An",
        email="truongban@nghean.vcnet.test",
        units=[{"code": "btg-nghe-an", "name": "Ban Tuyên giáo Tỉnh ủy Nghệ An"}],
        id_token="",
    )


@pytest.fixture
def client(app: Any, person: Session) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["rp"] = person.id
        cookie["roles"] = ["btg-nghe-an:leader"]
    return client


def _book(client: FlaskClient, person: Session, **fields: str) -> Any:
    data = {"csrf": person.csrf, "room": "p201", "starts": "08:00", "ends": "09:00"}
    return client.post("/bookings", data={**data, "title": "Giao ban", **fields})


def test_a_signed_in_person_sees_their_name_units_and_todays_rooms(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "Nguyễn Văn An" in page
    assert "Ban Tuyên giáo Tỉnh ủy Nghệ An (Lãnh đạo)" in page
    assert "Phòng họp 201" in page and "Còn trống cả ngày" in page


def test_booking_a_slot_and_refusing_an_overlap(client: FlaskClient, person: Session) -> None:
    answer = _book(client, person, title="Giao ban đầu tuần")
    assert answer.status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert "Đã đặt Phòng họp 201 (tầng 2, 12 chỗ) từ 08:00 đến 09:00." in page
    assert "08:00\u201309:00: Giao ban đầu tuần" in page

    clash = _book(client, person, starts="08:30", ends="10:00", title="Họp chi bộ")
    assert clash.status_code == 400
    assert "đã có lịch từ 08:00 đến 09:00 (Giao ban đầu tuần)" in clash.get_data(as_text=True)
    # Back to back is fine, and so is another room at the same time.
    assert _book(client, person, starts="09:00", ends="10:00").status_code == 303
    assert _book(client, person, room="p305").status_code == 303


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"starts": "10:00", "ends": "09:00"}, "Giờ kết thúc phải sau giờ bắt đầu."),
        ({"starts": "06:00", "ends": "07:30"}, "từ 07:00 đến 18:00"),
        ({"starts": "chín giờ"}, "phải có dạng HH:MM"),
        ({"room": "phong-bi-mat"}, "Hãy chọn một phòng họp trong danh sách."),
        ({"title": "   "}, "Hãy nhập nội dung cuộc họp."),
    ],
)
def test_bad_bookings_get_a_clear_message(
    client: FlaskClient, person: Session, fields: dict[str, str], message: str
) -> None:
    answer = _book(client, person, **fields)
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)


def test_a_booking_without_the_form_token_is_refused(client: FlaskClient, person: Session) -> None:
    assert _book(client, person, csrf="giả-mạo").status_code == 400
    assert "Còn trống cả ngày" in client.get("/").get_data(as_text=True)


def test_a_visitor_is_sent_to_sign_in_and_an_ended_session_says_so(
    app: Any, client: FlaskClient, person: Session
) -> None:
    assert app.test_client().get("/").headers["Location"] == "/login"
    # VCNET's back channel ended the session (see the e2e test): the page says why.
    app.extensions["meeting_rooms"]["store"].sessions_end(sub="42", sid="phien-1")
    page = client.get("/")
    assert page.status_code == 200
    assert "Phiên làm việc đã kết thúc vì bạn đã đăng xuất khỏi VCNET." in page.get_data(
        as_text=True
    )
    assert "Nguyễn Văn An" not in page.get_data(as_text=True)


def test_the_back_channel_refuses_what_is_not_a_logout_token(app: Any, client: FlaskClient) -> None:
    other = app.test_client()
    assert other.post("/backchannel-logout").status_code == 400
    answer = other.post("/backchannel-logout", data={"logout_token": "không-phải-jwt"})
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "invalid_request"
    assert "Nguyễn Văn An" in client.get("/").get_data(as_text=True)  # still signed in


def test_units_are_shown_with_roles() -> None:
    units = [{"code": "a", "name": "Ban A"}, {"code": "b", "short_name": "BB"}, "Đơn vị C"]
    roles = ["a:leader", "a:clerk", "b:official"]
    assert unit_lines(units, roles) == ["Ban A (Lãnh đạo, Văn thư)", "BB (Chuyên viên)", "Đơn vị C"]


def test_configuration_comes_from_the_environment_and_the_seed_file(tmp_path: Path) -> None:
    env_file = tmp_path / "examples" / "meeting_rooms.env"
    with pytest.raises(ConfigError, match="vcnet seed --demo"):
        Config.from_env({"VCNET_VAR_DIR": str(tmp_path)})
    env_file.parent.mkdir()
    env_file.write_text(
        "# comment\nMEETING_ROOMS_CLIENT_ID=phong-hop\nMEETING_ROOMS_CLIENT_SECRET=tu-tep\n",
        encoding="utf-8",
    )
    config = Config.from_env({"VCNET_VAR_DIR": str(tmp_path), "MEETING_ROOMS_PORT": "8111"})
    assert (config.client_id, config.client_secret) == ("phong-hop", "tu-tep")
    assert config.base_url == "http://127.0.0.1:8111"
    assert config.metadata_url == "http://127.0.0.1:8000/.well-known/openid-configuration"
    assert (tmp_path / "examples" / "meeting_rooms.secret").stat().st_mode & 0o777 == 0o600
    with pytest.raises(ConfigError, match="MEETING_ROOMS_PORT"):
        Config.from_env({"VCNET_VAR_DIR": str(tmp_path), "MEETING_ROOMS_PORT": "80000"})
