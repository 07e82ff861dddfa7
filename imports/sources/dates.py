"""Watch dates in every format Prime files use, and the per-file day/month decision."""

import re
from collections.abc import Iterable
from datetime import UTC, datetime

_NUMERIC_DATE = re.compile(
    r"(\d{1,4})([/.\-])(\d{1,2})\2(\d{2,4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*([AaPp][Mm])?)?\s*(?:Z|UTC)?"
)
_DAY = re.compile(r"(\d{1,2})([/\-])(\d{1,2})\2(\d{2,4}),?")
_AMAZON_HOUR = re.compile(r"\d\d/\d\d/\d{4} \d\d:00:00")


def parse_date(raw: str, day_first: bool) -> datetime | None:
    text = raw.strip().strip('"').strip()
    value: datetime | None
    try:
        if text.isascii() and text.isdigit():
            if 12 <= len(text) <= 13:
                value = datetime.fromtimestamp(int(text) / 1000, UTC)
            elif 9 <= len(text) <= 10:
                value = datetime.fromtimestamp(int(text), UTC)
            else:
                return None
        elif len(text) == 19 and text[2] == "/" and text[5] == "/" and text[13:] == ":00:00":
            # Amazon's legacy hour bucket, by far the commonest shape: skip the regex.
            a, b, year = int(text[0:2]), int(text[3:5]), int(text[6:10])
            month, day = (b, a) if day_first else (a, b)
            return (
                datetime(year, month, day, int(text[11:13]), tzinfo=UTC) if year >= 1970 else None
            )
        elif len(text) >= 10 and text[4] == "-" and text[7] == "-":
            value = datetime.fromisoformat(text.removesuffix(" UTC"))
        else:
            value = _numeric_date(text, day_first)
    except (ValueError, OverflowError, OSError):
        return None
    if value is None or not 1970 <= value.year <= 2100:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _numeric_date(text: str, day_first: bool) -> datetime | None:
    match = _NUMERIC_DATE.fullmatch(text)
    if match is None:
        return None
    a, sep, b, c = match[1], match[2], int(match[3]), match[4]
    if len(a) == 4:
        year, month, day = int(a), b, int(c)
    elif sep == "." or day_first:
        year, month, day = int(c), b, int(a)
    else:
        year, month, day = int(c), int(a), b
    if year < 100:
        year += 2000
    hour, minute, second = int(match[5] or 0), int(match[6] or 0), int(match[7] or 0)
    if match[8]:
        hour = hour % 12 + (12 if match[8].lower() == "pm" else 0)
    return datetime(year, month, day, hour, minute, second)


def date_order(dates: Iterable[str], *, amazon_legacy: bool, delimiter: str) -> tuple[bool, str]:
    """Decide once per file whether `05/09/2017` is 5 September or 9 May: (day_first, warning).

    A day above 12 settles it. Otherwise Amazon's own legacy file is month-first; anything
    else is a guess (day-first when a European Excel re-saved it with `;`), and the warning
    says so, because a silent wrong guess would date every film months off.
    """
    texts = {raw.strip().strip('"').strip() for raw in dates}
    # Only "1/2/…", "01/02/…", "01-02-…" can be ambiguous; year-first and epoch values cannot.
    numeric = [text for text in texts if "/" in text[1:3] or "-" in text[1:3]]
    day_first_seen = month_first_seen = False
    examples = []
    for day in {text.partition(" ")[0] for text in numeric}:
        match = _DAY.fullmatch(day)
        if match is None:
            continue
        a, b = int(match[1]), int(match[3])
        day_first_seen |= a > 12 >= b
        month_first_seen |= b > 12 >= a
        if a <= 12 and b <= 12:
            examples.append(day)
    if day_first_seen != month_first_seen:
        return day_first_seen, ""
    if not (day_first_seen or examples):
        return False, ""
    amazon_shape = amazon_legacy and all(_AMAZON_HOUR.fullmatch(text) for text in numeric)
    if amazon_shape and not day_first_seen:
        return False, ""  # as Amazon wrote it, not re-saved by a spreadsheet
    day_first = not amazon_legacy and delimiter == ";"
    order = "day/month/year" if day_first else "month/day/year"
    if day_first_seen:
        return day_first, (
            f"This file mixes day/month and month/day dates. We read them as {order}; rows "
            "that do not fit that order are kept without a watch date."
        )
    return day_first, (
        f"Dates such as {min(examples)} could mean day/month or month/day, and nothing in the file "
        f"settles it. We read them as {order}. If the watch dates look wrong, export the file "
        "again and upload it without opening it in a spreadsheet first."
    )
