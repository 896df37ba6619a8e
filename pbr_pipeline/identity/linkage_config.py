"""Linkage thresholds for the city: `<data dir>/linkage.yaml`, optional.

```yaml
accept: 0.99          # match probability from which a link is accepted automatically
review: 0.80          # from here up to `accept`, a reviewer decides
ambiguity_margin: 2.0 # a second candidate within this many bits of weight sends the case to review
```
Missing keys keep the defaults of `pbr_pipeline.identity.linkage.Thresholds`.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import yaml

from pbr_pipeline.identity.linkage import Thresholds

CONFIG_FILE = "linkage.yaml"


class LinkageConfigError(ValueError):
    """The thresholds file cannot be used; the message names the file and key."""


def load_thresholds(data_dir: Path) -> Thresholds:
    path = data_dir / CONFIG_FILE
    if not path.exists():
        return Thresholds()
    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise LinkageConfigError(f"{CONFIG_FILE}: not valid YAML ({error})") from None
    known = {field.name for field in fields(Thresholds)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise LinkageConfigError(f"{CONFIG_FILE}: unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(known))}")
    try:
        return Thresholds(**{key: float(value) for key, value in values.items()})
    except (TypeError, ValueError) as error:
        raise LinkageConfigError(f"{CONFIG_FILE}: {error}") from None
