"""The typed environment readers: good values parse, bad ones fail naming the variable."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from vcnet.core.env import Env, EnvError


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes", "on", " On "])
def test_boolean_true(value: str) -> None:
    assert Env({"DEBUG": value}).boolean("DEBUG") is True


@pytest.mark.parametrize("value", ["0", "false", "No", "off", ""])
def test_boolean_false(value: str) -> None:
    assert Env({"DEBUG": value}).boolean("DEBUG", default=True) is False


def test_boolean_unset_gives_default() -> None:
    assert Env({}).boolean("DEBUG", default=True) is True
    assert Env({}).boolean("DEBUG") is False


def test_boolean_rejects_anything_else() -> None:
    with pytest.raises(EnvError, match=r"DEBUG='maybe' is not a boolean"):
        Env({"DEBUG": "maybe"}).boolean("DEBUG")


def test_integer() -> None:
    env = Env({"WEB_WORKERS": " 4 ", "EMPTY": ""})
    assert env.integer("WEB_WORKERS", 2, minimum=1) == 4
    assert env.integer("EMPTY", 2) == 2
    assert env.integer("UNSET", 7) == 7


def test_integer_rejects_words_and_too_small_numbers() -> None:
    with pytest.raises(EnvError, match=r"WEB_THREADS='bốn' is not a whole number"):
        Env({"WEB_THREADS": "bốn"}).integer("WEB_THREADS", 4)
    with pytest.raises(EnvError, match=r"WEB_THREADS=0 is below the minimum of 1"):
        Env({"WEB_THREADS": "0"}).integer("WEB_THREADS", 4, minimum=1)


def test_strings_split_on_commas() -> None:
    env = Env({"ALLOWED_HOSTS": " vcnet.gov.vn, ,www.vcnet.gov.vn ,", "EMPTY": ""})
    assert env.strings("ALLOWED_HOSTS") == ["vcnet.gov.vn", "www.vcnet.gov.vn"]
    assert env.strings("EMPTY", ["localhost"]) == ["localhost"]
    assert env.strings("UNSET") == []


def test_url_checks_scheme_and_port() -> None:
    env = Env(
        {
            "DATABASE_URL": "postgres://vcnet@db.vcnet.gov.vn:5432/vcnet",
            "REDIS_URL": "http://cache:6379/0",
            "BAD_PORT": "postgres://vcnet@db:54x2/vcnet",
            "HUGE_PORT": "redis://cache:99999/0",
        }
    )
    assert env.url("DATABASE_URL", schemes={"postgres"}) == (
        "postgres://vcnet@db.vcnet.gov.vn:5432/vcnet"
    )
    assert env.url("UNSET", schemes={"redis"}) is None
    with pytest.raises(EnvError, match=r"REDIS_URL must be a URL starting with one of: redis"):
        env.url("REDIS_URL", schemes={"redis", "rediss"})
    with pytest.raises(EnvError, match=r"BAD_PORT has a port that is not a number"):
        env.url("BAD_PORT", schemes={"postgres"})
    with pytest.raises(EnvError, match=r"HUGE_PORT has a port"):
        env.url("HUGE_PORT", schemes={"redis"})


def test_url_errors_never_show_the_password() -> None:
    env = Env({"DATABASE_URL": "mysql://vcnet:mat-khau-bi-mat@db:3306/vcnet"})
    with pytest.raises(EnvError) as caught:
        env.url("DATABASE_URL", schemes={"postgres"})
    assert "mat-khau-bi-mat" not in str(caught.value)
    assert "mysql://vcnet:***@db:3306/vcnet" in str(caught.value)


def test_secret_from_the_variable_itself(tmp_path: Path) -> None:
    env = Env({"SECRET_KEY": "khoa-bi-mat", "SECRET_KEY_FILE": str(tmp_path / "ignored")})
    assert env.secret("SECRET_KEY", generate_into=tmp_path / "secret_key") == "khoa-bi-mat"
    assert not (tmp_path / "secret_key").exists()


def test_secret_from_a_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("khoa-tu-tep\n", encoding="utf-8")
    env = Env({"SECRET_KEY_FILE": str(secret_file)})
    assert env.secret("SECRET_KEY") == "khoa-tu-tep"


def test_secret_file_missing_or_empty(tmp_path: Path) -> None:
    with pytest.raises(EnvError, match=r"SECRET_KEY_FILE='.*khong-co' cannot be read"):
        Env({"SECRET_KEY_FILE": str(tmp_path / "khong-co")}).secret("SECRET_KEY")
    empty = tmp_path / "empty"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(EnvError, match=r"SECRET_KEY_FILE='.*empty' is empty"):
        Env({"SECRET_KEY_FILE": str(empty)}).secret("SECRET_KEY")


def test_secret_required_when_nothing_can_be_generated() -> None:
    with pytest.raises(EnvError, match=r"SECRET_KEY or SECRET_KEY_FILE must be set"):
        Env({}).secret("SECRET_KEY")


def test_generated_secret_is_private_and_stable(tmp_path: Path) -> None:
    target = tmp_path / "var" / "secret_key"

    first = Env({}).secret("SECRET_KEY", generate_into=target)
    second = Env({}).secret("SECRET_KEY", generate_into=target)

    assert first == second
    assert len(first) >= 50
    assert target.read_text(encoding="utf-8") == first
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
