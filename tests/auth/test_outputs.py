"""Refused requests in the outputs: a row each in ``denied_requests`` (written as Parquet), 401/403 events with
upstream's reasons, and their counts in the summary; a default run has none."""

from __future__ import annotations

from pathlib import Path

from clustersim.metrics.frames import DENIED_COLUMNS
from clustersim.output import write_outputs
from clustersim.sim import run
from tests.conftest import events_of, make_config

FAULT = {"name": "CredentialExpiry", "args": {"at_s": 20.0, "credential": "service_account",
                                              "service_account": "kube-system/replicaset-controller"}}
CRASH = {"name": "NodeCrash", "args": {"at_s": 30.0, "nodes": ["n-0"], "recover_after_s": 1000.0}}


def test_denied_requests_frame_events_and_summary(tmp_path: Path) -> None:
    res = run(make_config(duration_s=420.0, faults=[FAULT, CRASH]))
    df = res.denied_requests
    assert list(df.columns) == DENIED_COLUMNS and len(df) > 3
    assert set(df["code"]) == {401} and set(df["reason"]) == {"Unauthorized"}
    assert set(df["user"]) == {"system:serviceaccount:kube-system:replicaset-controller"}
    assert df["t"].is_monotonic_increasing and (df["t"] >= 20.0).all()
    assert len(events_of(res, "Unauthorized")) == len(df)
    assert res.summary["denied_requests"] == len(df)
    (user, by_request), = res.summary["denied_by_user"].items()
    assert user == "system:serviceaccount:kube-system:replicaset-controller" and sum(by_request.values()) == len(df)
    assert by_request["create pods"] >= 3 and set(by_request) <= {"create pods", "update replicasets/status"}
    files = write_outputs(res, tmp_path / "out", plot=False)
    assert "denied_requests.parquet" in files


def test_a_default_run_writes_no_denials(tmp_path: Path) -> None:
    res = run(make_config(duration_s=30.0))
    assert res.denied_requests.empty and "denied_requests" not in res.summary and "denied_by_user" not in res.summary
    assert "denied_requests.parquet" not in write_outputs(res, tmp_path / "out", plot=False)
