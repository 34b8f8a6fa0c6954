"""Read chaos experiment files of any supported format into ``ChaosExperiment`` values.

Files are YAML or JSON (several ``---`` documents, or folders of them); each document is told apart by its
content: ``apiVersion: chaos-mesh.org/...`` (Chaos Mesh), ``litmuschaos.io/...`` (LitmusChaos), a mapping with
``kraken.chaos_scenarios`` (a Krkn config) or a Krkn scenario's keys, a list of ``{expr, severity}`` (a Krkn
SLO/alert profile), a mapping with ``method`` (a Chaos Toolkit experiment). Litmus ChaosExperiments are
definitions that ChaosEngines in the same set use (their env defaults); Krkn configs name their scenario
files. Errors are one line naming file, document and field; ``lenient`` skips documents of unknown kinds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clustersim.chaos.chaos_mesh import CHAOS_KINDS, NOT_MODELLED_KINDS, read_chaos
from clustersim.chaos.chaos_mesh_flow import read_schedule, read_workflow
from clustersim.chaos.context import Doc
from clustersim.chaos.model import SLO, ChaosError, ChaosExperiment
from clustersim.util.strict_yaml import YAMLInputError, load_yaml_documents
from clustersim.util.trail import SHAPE_ERRORS, locate

__all__ = ["ChaosSet", "detect", "load_chaos"]

SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class ChaosSet:
    """Experiments read from a set of files, with the definitions and SLOs that came along."""

    experiments: list[ChaosExperiment] = field(default_factory=list)
    litmus_experiments: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # name -> (where, ChaosExperiment doc)
    slos: list[SLO] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    documents: int = 0


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
    return [path]


def documents(path: Path) -> list[tuple[str, Any]]:
    """Every document of a file (or folder) as (where, document)."""
    if not path.exists():
        raise ChaosError(str(path), "", "no such file or folder")
    out: list[tuple[str, Any]] = []
    for f in _files(path):
        try:
            docs = load_yaml_documents(f)
        except YAMLInputError as e:
            raise ChaosError(e.source, e.field, e.message) from None
        except OSError as e:
            raise ChaosError(str(f), "", e.strerror or "cannot read file") from None
        out += [(f"{f}[doc {i}]", d) for i, d in enumerate(docs)]
    return out


def detect(doc: Any) -> str | None:
    """The format of a document: chaos-mesh, litmus, krkn-config, krkn-scenario, krkn-slo, chaostoolkit; None if unknown."""
    from clustersim.chaos.krkn import is_krkn_scenario, is_slo_profile

    if isinstance(doc, dict):
        api = str(doc.get("apiVersion") or "")
        if api.startswith("chaos-mesh.org/"):
            return "chaos-mesh"
        if api.startswith("litmuschaos.io/"):
            return "litmus"
        if isinstance(doc.get("kraken"), dict):
            return "krkn-config"
        if "method" in doc and ("title" in doc or "steady-state-hypothesis" in doc):
            return "chaostoolkit"
    if is_slo_profile(doc):
        return "krkn-slo"
    if is_krkn_scenario(doc):
        return "krkn-scenario"
    return None


def _chaos_mesh(doc: dict[str, Any], where: str, out: ChaosSet, lenient: bool) -> None:
    kind = str(doc.get("kind") or "")
    meta: dict[str, Any] = doc["metadata"] if isinstance(doc.get("metadata"), dict) else {}
    name = str(meta.get("name") or meta.get("generateName") or "")
    if not name:
        raise ChaosError(where, f"{kind}: metadata.name" if kind else "metadata.name", "required field missing")
    ns = str(meta.get("namespace") or "default")
    exp = ChaosExperiment(name, "Chaos Mesh", where)
    d = Doc(where, f"{kind} {name}", exp)
    if kind == "Schedule":
        read_schedule(doc, d, ns)
    elif kind == "Workflow":
        read_workflow(doc, d, ns)
    elif kind in CHAOS_KINDS or kind in NOT_MODELLED_KINDS:
        read_chaos(kind, doc.get("spec") if isinstance(doc.get("spec"), dict) else None, d, ns)  # type: ignore[arg-type]
    elif lenient:
        out.warnings.append(f"{where}: kind: unknown Chaos Mesh kind {kind!r}, skipped")
        return
    else:
        raise ChaosError(where, "kind", f"unknown Chaos Mesh kind {kind!r} (use --lenient to skip it)")
    out.experiments.append(exp)


def load_chaos(paths: list[str | Path], lenient: bool = False) -> ChaosSet:
    """Read every experiment under ``paths`` (files or folders).

    Raises:
        ChaosError: the first bad document, naming file, document and field.
    """
    from clustersim.chaos.litmus import collect_litmus_experiment

    out = ChaosSet()
    pending: list[tuple[str, str, Any, Path]] = []
    for base in paths:
        docs = documents(Path(base))
        if not docs:  # an empty file read as nothing at all would preview a cluster with no experiment
            raise ChaosError(str(base), "", "no documents (the file is empty)" if Path(base).is_file() else "no .yaml, .yml or .json files")
        for where, doc in docs:
            out.documents += 1
            fmt = detect(doc)
            if fmt is None:
                if lenient:
                    out.warnings.append(f"{where}: not a Chaos Mesh, LitmusChaos, Krkn or Chaos Toolkit document, skipped")
                    continue
                raise ChaosError(where, "", "not a Chaos Mesh, LitmusChaos, Krkn or Chaos Toolkit document "
                                            "(use --lenient to skip it)")
            if fmt == "litmus" and doc.get("kind") == "ChaosExperiment":
                collect_litmus_experiment(doc, where, out)
                continue
            pending.append((fmt, where, doc, Path(where.rsplit("[doc ", 1)[0])))
    for fmt, where, doc, path in pending:
        try:
            _read(fmt, where, doc, path, out, lenient)
        except SHAPE_ERRORS:  # a value of another shape than the format's: name the field last read
            seen = locate(lambda d: _read(fmt, where, d, path, ChaosSet(), lenient), doc)  # noqa: B023
            raise ChaosError(where, seen.dotted(brackets=True) if seen else "", seen.problem() if seen else "malformed document") from None
    return out


def _read(fmt: str, where: str, doc: Any, path: Path, out: ChaosSet, lenient: bool) -> None:
    from clustersim.chaos.chaostoolkit import read_chaostoolkit
    from clustersim.chaos.krkn import read_krkn_config, read_krkn_scenario, read_slos
    from clustersim.chaos.litmus import read_litmus

    if fmt == "chaos-mesh":
        _chaos_mesh(doc, where, out, lenient)
    elif fmt == "litmus":
        read_litmus(doc, where, out, lenient)
    elif fmt == "krkn-config":
        read_krkn_config(doc, where, path, out, lenient)
    elif fmt == "krkn-scenario":
        read_krkn_scenario(doc, where, None, out)
    elif fmt == "krkn-slo":
        out.slos += read_slos(doc, where)
    else:
        read_chaostoolkit(doc, where, out)
