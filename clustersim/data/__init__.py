"""Public datasets the shipped trace configs replay: a catalogue, a local cache and the fetch that fills it.

Configs name a cached file as ``data:<dataset>/<file>`` (for example
``data:openb/openb_node_list_all_node.csv``); ``clustersim data fetch <dataset>`` downloads the files from
their public source, or copies them from an offline folder, and checks each file's SHA-256.
"""

from clustersim.data.cache import DATA_PREFIX, DataMissing, cache_dir, is_data_ref, resolve
from clustersim.data.catalog import DATASETS, DataFile, Dataset
from clustersim.data.fetch import FetchError, fetch

__all__ = ["DATASETS", "DATA_PREFIX", "DataFile", "DataMissing", "Dataset", "FetchError", "cache_dir", "fetch", "is_data_ref",
           "resolve"]
