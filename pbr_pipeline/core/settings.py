"""Where the pipeline reads its inputs and writes its tables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DATA_DIR = PROJECT_ROOT / "data" / "sample"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    """Holds `inbox/`, `contracts/` and `reference/` (docs/formats.md)."""
    warehouse: Path
    """Where the Parquet tables go."""

    @classmethod
    def from_env(cls) -> "Settings":
        """`PBR_DATA_DIR` and `PBR_WAREHOUSE`, defaulting to the committed sample and `./warehouse`."""
        return cls(
            data_dir=Path(os.environ.get("PBR_DATA_DIR", SAMPLE_DATA_DIR)).resolve(),
            warehouse=Path(os.environ.get("PBR_WAREHOUSE", DEFAULT_WAREHOUSE)).resolve(),
        )
