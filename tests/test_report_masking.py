"""Personal data in free text: the masking table (what is masked, what must survive)."""

from __future__ import annotations

import pytest

from counter_app.domain.masking import EMAIL_MASK, ID_MASK, PHONE_MASK, mask_personal
from counter_app.domain.validation import PHONE_PATTERN, normalise_phone

MASKED = [
    ("SĐT 0987654321", f"SĐT {PHONE_MASK}"),
    ("gọi lại 0987 654 321 nhé", f"gọi lại {PHONE_MASK} nhé"),
    ("0987.654.321.", f"{PHONE_MASK}."),
    ("0987-654-321", PHONE_MASK),
    ("+84 987 654 321", PHONE_MASK),
    ("+84987654321", PHONE_MASK),
    ("(+84) 987-654-321", PHONE_MASK),
    ("84987654321", PHONE_MASK),
    ("máy bàn 0243 8251 234", f"máy bàn {PHONE_MASK}"),
    ("SĐT:0912345678;", f"SĐT:{PHONE_MASK};"),
    ("0987654321/0912345678", f"{PHONE_MASK}/{PHONE_MASK}"),
    ("0987654321 0912345678", f"{PHONE_MASK} {PHONE_MASK}"),
    ("0987 654 321 và 0912.345.678", f"{PHONE_MASK} và {PHONE_MASK}"),
    ("CCCD 079123456789", f"CCCD {ID_MASK}"),
    ("cccd 079 123 456 789 mất", f"cccd {ID_MASK} mất"),
    ("CMND 123456789", f"CMND {ID_MASK}"),
    ("email nguyen.van.a@gmail.com gửi", f"email {EMAIL_MASK} gửi"),
    ("hop_thu-1@ubnd.dongthap.gov.vn", EMAIL_MASK),
    ("Chị Lan, 0987654321, CCCD 079123456789", f"Chị Lan, {PHONE_MASK}, CCCD {ID_MASK}"),
]
KEPT = [
    "hồ sơ 000.00.12.H12-241126-0001",
    "H12.22-241126-0001",
    "G22.123-2411-000123",
    "Mã HS-0987654321",
    "ngày 26/11/2026 lúc 09:30",
    "26.11.2026",
    "lệ phí 150.000.000 đồng",
    "nộp 1.200.000 đ",
    "thủ tục 1.001193",
    "số 1234567890123",  # 13 digits: neither a phone nor an ID
    "2611-079123456789",  # glued to a code
    "12345678",  # 8 digits
    "0123456789",  # 01…: not a Vietnamese mobile prefix
    "Khai sinh cho bé, mẹ đi cùng",
    "",
]


@pytest.mark.parametrize("text, expected", MASKED)
def test_personal_data_is_masked(text, expected):
    assert mask_personal(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_codes_dates_and_amounts_are_kept(text):
    assert mask_personal(text) == text


@pytest.mark.parametrize(
    "phone", ["0912345678", "0987654321", "0243825123 4", "+84912345678", "84 912 345 678"]
)
def test_a_number_the_form_accepts_as_a_phone_is_masked_in_a_note(phone):
    """One rule: the validator's own phone pattern."""
    if PHONE_PATTERN.match(normalise_phone(phone)):
        assert PHONE_MASK in mask_personal(f"gọi {phone} sau")
    else:
        assert mask_personal(f"gọi {phone} sau") == f"gọi {phone} sau"


def test_masking_is_idempotent():
    once = mask_personal("SĐT 0987654321, a@b.vn, 079123456789")
    assert mask_personal(once) == once
