"""Normalising what people type as their login: e-mail addresses and Vietnamese phone numbers."""

from __future__ import annotations

import re

_NON_DIGIT = re.compile(r"[^\d+]")


def normalize_email(value: str) -> str:
    """E-mail addresses compare case-insensitively."""
    return value.strip().lower()


def normalize_phone(value: str) -> str | None:
    """A phone number in +84… form, or None when the text is not a phone number.

    Accepts the forms people write: "0912 345 678", "+84 912-345-678", "84912345678".
    """
    digits = _NON_DIGIT.sub("", value.strip())
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = "84" + digits[1:]
    if not digits.isdigit() or not 9 <= len(digits) <= 15:
        return None
    return "+" + digits


def looks_like_email(value: str) -> bool:
    return "@" in value
