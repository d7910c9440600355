"""Timestamps: afterimage stamps naive local wall time (datetime.now()); the dashboard stores UTC."""
import math
from datetime import datetime, timezone, tzinfo
from typing import Any, Optional, Union


def to_utc_iso(value: Union[datetime, str, None], zone: Optional[tzinfo] = None) -> str:
    """UTC ISO-8601 ("...Z") for a datetime or ISO string; a naive one is wall time in `zone`.

    With no zone, naive times are in this process's local time zone, exactly what afterimage's
    datetime.now() gave; astimezone() asks the C library, so daylight-saving changes are honoured
    (a wall time that occurs twice is the first one, fold=0, as Python does).
    """
    if value is None:
        dt = datetime.now(timezone.utc)
    elif isinstance(value, datetime):
        dt = value
    else:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=zone) if zone is not None else dt.astimezone()
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def json_safe(value: Any) -> Any:
    """Non-finite floats as the strings "NaN"/"Infinity"/"-Infinity" (which the dashboard keeps as numbers),
    datetimes as ISO text, exceptions as text; everything else as json.dumps would take it."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, BaseException):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
