"""Configuration: pydantic models (all defaults live there), YAML loading with overrides, the reference doc."""

from clustersim.config.errors import ConfigError
from clustersim.config.load import load_config, parse_overrides
from clustersim.config.models import SimConfig

__all__ = ["ConfigError", "SimConfig", "load_config", "parse_overrides"]
