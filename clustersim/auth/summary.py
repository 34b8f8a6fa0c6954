"""The run summary's view of refused requests: how many, and who was refused what."""

from __future__ import annotations

from typing import Any

__all__ = ["denied_summary"]


def denied_summary(df: Any) -> dict[str, Any]:
    """``denied_requests`` (count) and ``denied_by_user``: user -> "verb resource[/sub]" -> count (401s and 403s)."""
    out: dict[str, Any] = {"denied_requests": len(df), "denied_by_user": {}}
    if len(df):
        res = df["resource"].where(df["subresource"] == "", df["resource"] + "/" + df["subresource"])
        keys = (df["verb"] + " " + res).where(df["resource"] != "", df["verb"] + " " + df["message"].str.extract(r'path "([^"]*)"')[0].fillna(""))
        counts = df.assign(what=keys).groupby(["user", "what"]).size()
        for (user, what), n in counts.items():
            out["denied_by_user"].setdefault(str(user), {})[str(what)] = int(n)
    return out
