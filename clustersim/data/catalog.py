"""The datasets: where each file comes from, its size and SHA-256, and its terms of use.

The checksums are those of the files at the pinned upstream commits (the copies in the project's
reference folder are byte-identical, per their READMEs), so a fetch from any mirror is checked
against the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DATASETS", "DataFile", "Dataset"]

_ALIBABA = "https://raw.githubusercontent.com/alibaba/clusterdata/7a6c496e4f4b6ce6150be8f881cb051bf2abff42/cluster-trace-gpu-v2023/csv"
_GOOGLE_COPY = ("https://raw.githubusercontent.com/raunak-garhwal/Google-Cluster-Data-Work/"
                "3196e537a84aca0e4f02e0133a12b0d94ba605ed/Cluster-Data-Input")
_GOOGLE_GCS = "https://storage.googleapis.com/clusterdata_2019_a"


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset: its name in the cache, its sources (tried in order), size and SHA-256."""

    name: str
    urls: tuple[str, ...]
    size: int
    sha256: str


@dataclass(frozen=True)
class Dataset:
    """A named set of files; ``folder`` is the folder name an offline copy usually has."""

    name: str
    title: str
    folder: str
    licence: str
    files: tuple[DataFile, ...]

    def file(self, name: str) -> DataFile | None:
        """The file called ``name``, or None."""
        return next((f for f in self.files if f.name == name), None)


DATASETS: dict[str, Dataset] = {
    "openb": Dataset(
        name="openb",
        title="Alibaba cluster-trace-gpu-v2023 (openb): 1,523 nodes and 8,152 pods of a GPU cluster",
        folder="alibaba-gpu-v2023-openb",
        licence="research or study use, citing Weng et al., USENIX ATC 2023 (alibaba/clusterdata README)",
        files=(
            DataFile("openb_node_list_all_node.csv", (f"{_ALIBABA}/openb_node_list_all_node.csv",), 52_287,
                     "5a85c2af79c66a1efff8bbcbda430400aae56d8431370d738480967e1a9c6b15"),
            DataFile("openb_pod_list_default.csv", (f"{_ALIBABA}/openb_pod_list_default.csv",), 575_468,
                     "1ee7ed79c27a3b0861cda8ddba86a004c6aba904caafa329a76ae93ca63834a8"),
            DataFile("openb_pod_list_gpuspec33.csv", (f"{_ALIBABA}/openb_pod_list_gpuspec33.csv",), 587_467,
                     "eca4f746db1e5b25864ad021b55ece3943e101a3ebd4574d09dcb95c46117652"),
        ),
    ),
    "google-2019": Dataset(
        name="google-2019",
        title="Google ClusterData 2019, cell a: the complete machine_events table (46,219 events, 10,001 machines)",
        folder="google-2019-cell-a-machine-events",
        licence="CC BY 4.0, Google LLC, Google cluster-usage traces v3 (ClusterData2019)",
        files=(
            DataFile("machine_events-000000000000.json.gz",
                     (f"{_GOOGLE_COPY}/machine_events-000000000000.json.gz", f"{_GOOGLE_GCS}/machine_events-000000000000.json.gz"),
                     651_854, "b04455f48e57c303fc8987b41e35911d89f3aa31e5a6d3997f07e27749dc1791"),
        ),
    ),
}
