"""Derive src/xxgk/parse/gazetteer.csv from the adcodes table shipped by the `cpca` package.

cpca (MIT licence, github.com/DQinYuan/chinese_province_city_area_mapper) is the best-known
Chinese province/city/district gazetteer on PyPI, but its code has not changed since 2021 and
imports pandas and pkg_resources. We only need its data, so we derive a flat CSV once and commit
it; re-run this script to refresh it:

    pip download --no-deps cpca==0.5.5 -d /tmp/cpca && python scripts/make_gazetteer.py /tmp/cpca/*.whl
"""

import csv
import io
import sys
import zipfile
from pathlib import Path

MUNICIPALITIES = {"11", "12", "31", "50"}  # 北京 天津 上海 重庆
OUT = Path(__file__).resolve().parents[1] / "src" / "xxgk" / "parse" / "gazetteer.csv"


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read("cpca/resources/adcodes.csv").decode("utf-8")
    names: dict[str, str] = {}
    for rec in csv.DictReader(io.StringIO(text)):
        names[rec["adcode"][:6]] = rec["name"]
    # Placeholder rows of the adcode table, not places: skipped, and never used as a city.
    placeholders = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
    rows = []
    for code, name in names.items():
        if name in placeholders:
            continue
        province = names.get(code[:2] + "0000", "")
        if code.endswith("0000"):
            rows.append((code, "province", province, "", ""))
        elif code.endswith("00"):
            rows.append((code, "city", province, name, ""))
        else:
            # Districts of municipalities (北京市 …) have no city row: the city is the province.
            city = names.get(code[:4] + "00", province)
            if city in placeholders:
                city = province if code[:2] in MUNICIPALITIES else ""
            rows.append((code, "district", province, city, name))
    rows.sort()
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["adcode", "level", "province", "city", "district"])
        w.writerows(rows)
    print(f"{len(rows)} places written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
