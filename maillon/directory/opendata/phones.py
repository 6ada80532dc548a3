"""French phone numbers between the national form ("01 80 05 98 80") and the international
form the standard requires ("+33180059880"), overseas included."""

import re

# National prefix (after the leading 0) → country calling code, for the overseas numbering
# areas the standard's pattern accepts; everything else is +33.
OVERSEAS_PREFIXES = {
    "590": "+590",
    "690": "+590",
    "691": "+590",
    "596": "+596",
    "696": "+596",
    "697": "+596",
    "594": "+594",
    "694": "+594",
    "262": "+262",
    "263": "+262",
    "692": "+262",
    "693": "+262",
    "269": "+262",
    "639": "+262",
    "508": "+508",
}
CALLING_CODES = ("+33", "+590", "+594", "+262", "+596", "+269", "+687", "+689", "+508", "+681")


def to_international(phone: str) -> str:
    """ "04 77 12 34 56" → "+33477123456"; "" when the number is not a French one."""
    digits = re.sub(r"[^\d+]", "", phone or "")
    if digits.startswith("+"):
        return digits if re.fullmatch(r"\+\d{8,12}", digits) else ""
    if digits.startswith("0033"):
        digits = "0" + digits[4:]
    if not re.fullmatch(r"0\d{9}", digits):
        return ""
    national = digits[1:]
    return OVERSEAS_PREFIXES.get(national[:3], "+33") + national


def to_national(phone: str) -> str:
    """ "+33477123456" → "04 77 12 34 56"; other forms are returned unchanged."""
    value = (phone or "").strip()
    for code in sorted(CALLING_CODES, key=len, reverse=True):
        if value.startswith(code):
            rest = value[len(code) :]
            if code != "+33" and OVERSEAS_PREFIXES.get(rest[:3]) != code:
                return value
            if re.fullmatch(r"\d{9}", rest):
                national = "0" + rest
                return " ".join(national[i : i + 2] for i in range(0, 10, 2))
            return value
    return value
