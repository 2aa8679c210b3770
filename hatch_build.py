"""Hatchling build hook: ship the data package inside the wheel, but only in a standard (non-editable) build.

Static ``force-include`` would also run for editable installs, copying a snapshot of the data into
site-packages that then goes stale as the CSVs are edited (and fails before the first build, when
``datapackage.json`` does not exist yet). Editable installs read the repository directly instead
(see ``src/china_russia_diplomacy/core/locate.py``).
"""

from __future__ import annotations

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# CITATION.cff: cite() of a wheel; releases.json: the registry, so an installed wheel knows every
# published version (and its hashes) offline; history/: every registered version rebuilt offline (read/history.py).
# LICENSE-DATA: the data licence, which every export carries beside the citation (CC-BY-4.0's attribution).
SHIPPED = ("datapackage.json", "data", "schemas", "sources", "CITATION.cff", "LICENSE-DATA", "releases.json", "history")


class DataPackageHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version != "standard":
            return
        for part in SHIPPED:
            build_data["force_include"][f"{self.root}/{part}"] = f"china_russia_diplomacy/_package/{part}"
