"""The DuckDB gate (package/gate.py) against frictionless, the reference: on a corpus of
deliberately broken copies of a real package, both must print exactly the same lines (same
resources, rows, fields, messages, order) — and the gate must decide most cases itself rather
than hand them to frictionless."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk.package.gate import gate_package, re2_safe
from xxgk.package.validate import frictionless_lines, validate_package

COMMITTED = ROOT / "datapackage"
SMALL = ["agencies", "reports", "applications", "sections", "checks"]
FULL = os.environ.get("XXGK_GATE_FULL") == "1"  # every value in every field (1,164 packages, slow)
# make test runs one value per field and 10 random packages (a minute of CPU less); the wider
# corpus by hand: XXGK_GATE_MORE=1 (3 values per field, 40 random) or XXGK_GATE_FULL=1.
QUICK = os.environ.get("XXGK_GATE_MORE") != "1"
PER_FIELD = 1 if QUICK else 3  # values tried in each field (rotating through its type's list)

# A resource with what our schemas do not use: other missing values, true/false spellings,
# date and number bounds, lengths, an integer enum, a self-referencing and a composite key.
PROBE_SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
        {"name": "parent", "type": "integer"},
        {"name": "code", "type": "string", "constraints": {"pattern": "[A-Z]{2}-[0-9]{3}|X(?:-[a-z]+)?"}},
        {"name": "name", "type": "string", "constraints": {"minLength": 2, "maxLength": 8}},
        {"name": "flag", "type": "boolean", "trueValues": ["yes", "Y"], "falseValues": ["no", "N"]},
        {"name": "day", "type": "date", "constraints": {"minimum": "2020-01-01", "maximum": "2030-12-31"}},
        {"name": "score", "type": "number", "constraints": {"minimum": 0, "exclusiveMaximum": 100}},
        {"name": "level", "type": "integer", "constraints": {"enum": [1, 2, 3]}},
        {"name": "note", "type": "string", "missingValues": ["-"]},
        {"name": "digits", "type": "string", "constraints": {"pattern": "\\d+"}},
        {"name": "agency", "type": "string"},
        {"name": "year", "type": "integer"},
    ],
    "primaryKey": ["id"],
    "foreignKeys": [
        {"fields": ["parent"], "reference": {"resource": "", "fields": ["id"]}},
        {"fields": ["agency", "year"], "reference": {"resource": "reports", "fields": ["agency_id", "year"]}},
    ],
    "missingValues": ["", "NA"],
}

VALUES = {
    "integer": ["x", "1.0", " 5", "5 ", "+5", "-0", "007", "1e3", "-1", "１２", "1_000",
                "99999999999999999999", "", "NA", "٣", "0x10", "\u30005", "5\n", "3", "0"],
    "number": ["1e3", " 5", "NaN", "-1", "Infinity", "1,5", "0.1234567890123456789012", "1_0", ".5",
               "5.", "", "abc", "-0.0", "1E-7", "100", "99.99", "-0", "NA"],
    "string": ["", " ", "\u3000", "x\ny", 'a,"b"', "UPPER", "bad-!", "a\n", "é", "NA", "-", "ab-",
               "0123456789abcdef" * 4, "z" * 9, "AB-123", "X-y", "X", "Xy", "AB-123\n", "１２"],
    "date": ["2024-02-30", "2024-1-5", "2024/01/05", " 2024-01-05", "0000-01-01", "２０２４-01-05", "",
             "2019-12-31", "2031-01-01", "2024-02-29", "2023-02-29", "20240105", "NA"],
    "boolean": ["TRUE", "True", "yes", "1", "0", "t", " true", "", "Y", "N", "no", "false", "NA"],
}  # fmt: skip


# Packages


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


def probe_rows(reports: list[list[str]]) -> list[list[str]]:
    head = reports[0]
    agency, year = head.index("agency_id"), head.index("year")
    a, y = reports[1][agency], reports[1][year]
    rows = [[f["name"] for f in PROBE_SCHEMA["fields"]]]
    rows += [
        ["1", "", "AB-123", "root", "yes", "2020-01-01", "0", "1", "", "123", a, y],
        ["2", "1", "X", "child", "no", "2024-02-29", "99.5", "2", "-", "0", "", ""],
        ["3", "1", "X-abc", "né", "Y", "2030-12-31", "12.25", "3", "NA", "42", "NA", "NA"],
        ["4", "2", "", "", "", "", "", "", 'x,\n"y"', "", "", ""],
        ["5", "4", "ZZ-999", "eight888", "N", "2025-06-30", "5", "1", "text", "7", a, y],
    ]
    return rows


def make_package(dst: Path, resources: list[str] | None = SMALL, probe: bool = True) -> Path:
    """A copy of the committed package (only `resources`, plus the probe resource)."""
    shutil.copytree(COMMITTED, dst)
    desc = json.loads((dst / "datapackage.json").read_text("utf-8"))
    if resources is not None:
        desc["resources"] = [r for r in desc["resources"] if r["name"] in resources]
    if probe:
        write_rows(dst / "data/probe.csv", probe_rows(read_rows(dst / "data/reports.csv")))
        desc["resources"].append(
            {
                "name": "probe",
                "type": "table",
                "path": "data/probe.csv",
                "scheme": "file",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": True},
                "schema": PROBE_SCHEMA,
            }
        )
    (dst / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False, indent=2), "utf-8")
    return dst / "datapackage.json"


def fields_of(pkg: Path) -> dict[str, list[dict]]:
    desc = json.loads(pkg.read_text("utf-8"))
    return {r["name"]: r["schema"]["fields"] for r in desc["resources"]}


def compare(pkg: Path) -> tuple[list[str], object]:
    """Both engines print the same lines (or raise the same exception)."""
    try:
        ref = frictionless_lines(pkg)
    except Exception as exc:
        with pytest.raises(type(exc)) as raised:
            gate_package(pkg)
        assert str(raised.value) == str(exc)
        return [str(exc)], None
    got = gate_package(pkg)
    assert got.lines == ref, f"gate:\n{got.lines}\nfrictionless:\n{ref}\nfallbacks: {got.fallbacks}"
    return ref, got


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return make_package(tmp_path_factory.mktemp("small") / "pkg")


# Valid packages


def test_committed_package_both_engines_valid_and_gate_decides_alone(tmp_path):
    pkg = make_package(tmp_path / "pkg", resources=None, probe=False)
    assert frictionless_lines(pkg) == []
    got = gate_package(pkg)
    assert got.lines == [] and got.fallbacks == {}


def test_small_package_with_probe_is_valid(small):
    ref, got = compare(small)
    assert ref == [] and got.fallbacks.keys() <= {"probe"}


def test_full_build_frictionless_is_the_reference(tmp_path):
    """A real build (the seed reports) is valid for frictionless and for the gate alike."""
    from xxgk.pipeline import build

    result = build(ROOT / "reports", tmp_path / "out", site=False)
    pkg = tmp_path / "out/datapackage/datapackage.json"
    assert result.validation == [] and not result.failed
    assert validate_package(pkg, engine="frictionless") == []
    got = gate_package(pkg)
    assert got.lines == [] and got.fallbacks == {}


def test_engine_choice(small, monkeypatch):
    monkeypatch.delenv("XXGK_VALIDATE_ENGINE", raising=False)
    assert validate_package(small) == validate_package(small, engine="frictionless") == []
    monkeypatch.setenv("XXGK_VALIDATE_ENGINE", "frictionless")
    assert validate_package(small) == []
    with pytest.raises(ValueError):
        validate_package(small, engine="sqlite")


def test_xxgk_validate_uses_frictionless_unless_asked(monkeypatch, tmp_path):
    """The command line is the reference: frictionless by default, the gate with --engine duckdb."""
    from click.testing import CliRunner

    from xxgk.cli import main

    calls = []
    import xxgk.package.validate as validate_module

    real = validate_module.validate_package
    monkeypatch.setattr(
        validate_module, "validate_package", lambda p, engine=None: calls.append(engine) or real(p, engine)
    )
    committed = ROOT / "datapackage"
    for extra, engine in [([], "frictionless"), (["--engine", "duckdb"], "duckdb")]:
        result = CliRunner().invoke(main, ["validate", str(committed), *extra])
        assert result.exit_code == 0, result.output
        assert calls[-1] == engine


# Cell mutations: every field of every resource, several values of its type


def cell_cases(pkg: Path) -> list[tuple[str, str, int, str]]:
    cases = []
    k = 0
    for res, fields in fields_of(pkg).items():
        rows = read_rows(pkg.parent / f"data/{res}.csv")
        for j, f in enumerate(fields):
            values = VALUES.get(f["type"], VALUES["string"])
            chosen = values if FULL else [values[(k * 3 + n) % len(values)] for n in range(PER_FIELD)]
            k += 1
            for n, v in enumerate(chosen):
                row = 1 + (k + n) % (len(rows) - 1)
                cases.append((res, f["name"], row, v))
            _ = j
    return cases


def mutate(src: Path, dst: Path, res: str, edit: Callable[[list[list[str]]], list[list[str]]]) -> Path:
    shutil.copytree(src.parent, dst)
    path = dst / f"data/{res}.csv"
    write_rows(path, edit(read_rows(path)))
    return dst / "datapackage.json"


def set_cell(row: int, name: str, value: str) -> Callable[[list[list[str]]], list[list[str]]]:
    def edit(rows: list[list[str]]) -> list[list[str]]:
        rows[row][rows[0].index(name)] = value
        return rows

    return edit


def test_cell_mutations_agree(small, tmp_path):
    cases = cell_cases(small)
    assert len(cases) >= 50 * PER_FIELD
    bad, invalid, by_gate = [], 0, 0
    for n, (res, name, row, value) in enumerate(cases):
        pkg = mutate(small, tmp_path / f"c{n}", res, set_cell(row, name, value))
        ref = frictionless_lines(pkg)
        got = gate_package(pkg)
        if got.lines != ref:
            bad.append((res, name, row, value, got.lines[:3], ref[:3], got.fallbacks))
        invalid += bool(ref)
        by_gate += bool(ref) and res not in got.fallbacks
        shutil.rmtree(tmp_path / f"c{n}")
    assert not bad, "\n".join(map(repr, bad))
    print(f"{len(cases)} packages, {invalid} invalid, {by_gate} of them decided by the gate alone")
    assert invalid >= 0.4 * len(cases), invalid
    assert by_gate >= 0.6 * invalid, (by_gate, invalid)


# Row, key and structure mutations


def drop_column(name: str):
    return lambda rows: [[c for c, h in zip(r, rows[0], strict=True) if h != name] for r in rows]


def swap_columns(a: str, b: str):
    def edit(rows):
        i, j = rows[0].index(a), rows[0].index(b)
        for r in rows:
            r[i], r[j] = r[j], r[i]
        return rows

    return edit


def rename(a: str, b: str):
    def edit(rows):
        rows[0][rows[0].index(a)] = b
        return rows

    return edit


def extra_column(rows):
    return [[*r, "x" if i else "extra"] for i, r in enumerate(rows)]


def duplicate_row(i: int):
    return lambda rows: [*rows[: i + 1], list(rows[i]), *rows[i + 1 :]]


def insert_row(i: int, row_of: Callable[[list[str]], list[str]]):
    return lambda rows: [*rows[:i], row_of(rows[0]), *rows[i:]]


def delete_row(i: int):
    return lambda rows: rows[:i] + rows[i + 1 :]


def text_edit(fn: Callable[[bytes], bytes]):
    return fn


ROW_CASES: dict[str, tuple[str, Callable]] = {
    "header reordered": ("reports", swap_columns("title", "agency_name")),
    "header missing a column": ("applications", drop_column("total")),
    "header with an extra column": ("agencies", extra_column),
    "header label renamed": ("checks", rename("message", "msg")),
    "header label duplicated": ("reports", rename("title", "agency_name")),
    "header label blank": ("sections", rename("heading", "")),
    "duplicate primary key": ("applications", duplicate_row(3)),
    "duplicate unique and primary key": ("agencies", duplicate_row(1)),
    "duplicate self-referenced key": ("probe", duplicate_row(1)),
    "referenced row deleted": ("agencies", delete_row(1)),
    "referenced report deleted": ("reports", delete_row(2)),
    "all-missing row": ("applications", insert_row(4, lambda h: [""] * len(h))),
    "all-missing primary key": ("applications", insert_row(2, lambda h: [""] * (len(h) - 1) + ["3"])),
    "NA row in probe": ("probe", insert_row(2, lambda h: ["NA"] * len(h))),
    "composite foreign key partly missing": ("probe", set_cell(1, "year", "")),
    "composite foreign key partly NA": ("probe", set_cell(5, "agency", "NA")),
    "composite foreign key, other year": ("probe", set_cell(5, "year", "2099")),
    "self reference dangling": ("probe", set_cell(5, "parent", "42")),
    "header only": ("checks", lambda rows: rows[:1]),
    "row short of a cell": ("reports", lambda rows: [*rows[:2], rows[2][:-1], *rows[3:]]),
    "row with an extra cell": ("reports", lambda rows: [*rows[:2], rows[2] + ["x"], *rows[3:]]),
    "empty row list in the middle": ("sections", lambda rows: [*rows[:2], [], *rows[2:]]),
}

BYTE_CASES: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "empty file": ("checks", lambda b: b""),
    "blank line in the middle": ("agencies", lambda b: b.replace(b"\n", b"\n\n", 2)),
    "blank line at the end": ("reports", lambda b: b + b"\n"),
    "no newline at the end": ("reports", lambda b: b.rstrip(b"\n")),
    "CRLF line ends": ("agencies", lambda b: b.replace(b"\n", b"\r\n")),
    "byte order mark": ("agencies", lambda b: b"\xef\xbb\xbf" + b),
    "invalid UTF-8": ("applications", lambda b: b[:-20] + b"\xff" + b[-19:]),
    "NUL byte": ("applications", lambda b: b[:-20] + b"\x00" + b[-20:]),
    "space before a quote": ("probe", lambda b: b.replace(b',"x,', b', "x,', 1)),
    "text after a closing quote": ("probe", lambda b: b.replace(b'"x,\n""y"""', b'"x,\n""y"""z', 1)),
    "quote inside an unquoted field": ("probe", lambda b: b.replace(b",root,", b',ro"ot,', 1)),
    "unterminated quote": ("probe", lambda b: b + b'6,,"unterminated\n'),
    "lone CR in a quoted field": ("probe", lambda b: b.replace(b'"x,\n', b'"x,\r', 1)),
    "quoted comma and newline (valid)": ("probe", lambda b: b.replace(b",child,", b',"ch,\nild",', 1)),
    "quoted number (valid)": ("probe", lambda b: b.replace(b"\n5,4,", b'\n"5","4",', 1)),
    "sniffer sees spaces after commas": ("probe", lambda b: b + b'6,1, "a",bb,, "x",1,1,, "y",,\n' * 3),
}


@pytest.mark.parametrize("case", sorted(ROW_CASES))
def test_row_mutations_agree(small, tmp_path, case):
    res, edit = ROW_CASES[case]
    ref, _ = compare(mutate(small, tmp_path / "m", res, edit))
    assert ref or case == "header only"


@pytest.mark.parametrize("case", sorted(BYTE_CASES))
def test_byte_mutations_agree(small, tmp_path, case):
    res, edit = BYTE_CASES[case]
    shutil.copytree(small.parent, tmp_path / "m")
    path = tmp_path / "m/data" / f"{res}.csv"
    data = path.read_bytes()
    changed = edit(data)
    assert changed != data, "the mutation did not apply"
    path.write_bytes(changed)
    compare(tmp_path / "m/datapackage.json")


def edit_descriptor(small: Path, dst: Path, fn: Callable[[dict], None]) -> Path:
    shutil.copytree(small.parent, dst)
    desc = json.loads((dst / "datapackage.json").read_text("utf-8"))
    fn(desc)
    (dst / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), "utf-8")
    return dst / "datapackage.json"


def _res(desc: dict, name: str) -> dict:
    return next(r for r in desc["resources"] if r["name"] == name)


DESCRIPTOR_CASES: dict[str, Callable[[dict], None]] = {
    "wrong bytes": lambda d: _res(d, "agencies").update(bytes=12),
    "wrong sha256": lambda d: _res(d, "agencies").update(hash="sha256:" + "0" * 64),
    "wrong md5": lambda d: _res(d, "reports").update(hash="0" * 32),
    "missing data file": lambda d: _res(d, "checks").update(path="data/nothing.csv"),
    "unknown field type": lambda d: _res(d, "agencies")["schema"]["fields"][0].update(type="colour"),
    "missingValues NA only": lambda d: _res(d, "reports")["schema"].update(missingValues=["NA"]),
    "no missing values": lambda d: _res(d, "applications")["schema"].update(missingValues=[]),
    "semicolon dialect": lambda d: _res(d, "agencies").update(dialect={"delimiter": ";"}),
    "foreign key to a missing resource": lambda d: _res(d, "sections")["schema"]["foreignKeys"][0][
        "reference"
    ].update(resource="nowhere"),
    "unsafe pattern": lambda d: _res(d, "agencies")["schema"]["fields"][0]["constraints"].update(
        pattern="[\\w-]+"
    ),
    "pattern with alternation at the top": lambda d: _res(d, "reports")["schema"]["fields"][9][
        "constraints"
    ].update(pattern="tx|html|docx|pdf"),
    "tighter bounds": lambda d: _res(d, "applications")["schema"]["fields"][3]["constraints"].update(
        maximum=5, minimum=1
    ),
    "integer enum on section": lambda d: _res(d, "sections")["schema"]["fields"][1]["constraints"].update(
        enum=[1, 2, 3]
    ),
    "string lengths": lambda d: _res(d, "agencies")["schema"]["fields"][1]["constraints"].update(
        minLength=10, maxLength=12
    ),
}


@pytest.mark.parametrize("case", sorted(DESCRIPTOR_CASES))
def test_descriptor_mutations_agree(small, tmp_path, case):
    compare(edit_descriptor(small, tmp_path / "m", DESCRIPTOR_CASES[case]))


# Random mutations

CHARS = st.sampled_from([*list('0123456789-+.eE ,"\n\t_xyzAB'), "\u3000", "\xa0", "١", "é", "NA"])
RANDOM_VALUE = st.one_of(
    st.sampled_from(sorted({v for vs in VALUES.values() for v in vs})),
    st.lists(CHARS, max_size=6).map("".join),
    st.integers(-(10**20), 10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
    st.dates().map(lambda d: d.isoformat()),
)


EXAMPLES = 400 if FULL else 10 if QUICK else 40


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_random_mutations_agree(small, data):
    names = fields_of(small)
    res = data.draw(st.sampled_from(sorted(names)))
    rows = read_rows(small.parent / f"data/{res}.csv")
    edits = data.draw(
        st.lists(
            st.tuples(
                st.integers(1, len(rows) - 1),
                st.sampled_from([f["name"] for f in names[res]]),
                RANDOM_VALUE,
            ),
            min_size=1,
            max_size=3,
        )
    )
    with tempfile.TemporaryDirectory() as tmp:

        def edit(rows):
            for row, name, value in edits:
                rows[row][rows[0].index(name)] = value
            return rows

        compare(mutate(small, Path(tmp) / "m", res, edit))


# Details


@pytest.mark.parametrize(
    "pattern, safe",
    [
        ("^[a-z0-9]+(-[a-z0-9]+)*$", True),
        ("^[0-9a-f]{64}$", True),
        ("[A-Z]{2}-[0-9]{3}|X(?:-[a-z]+)?", True),
        ("\\d+", False),
        ("[\\w-]+", False),
        ("(?i)abc", False),
        ("a(?=b)", False),
        ("(a)\\1", False),
        ("a{2000}", False),
        ("a**", False),
        ("[[:alpha:]]", False),
        ("中文", False),
        ("a{,3}", False),
    ],
)
def test_re2_safe(pattern, safe):
    assert re2_safe(pattern) is safe


def test_row_numbers_in_a_large_file(tmp_path):
    """DuckDB keeps file order when it reads in parallel: errors far down a long file have
    frictionless's row numbers."""
    pkg = tmp_path / "big"
    pkg.mkdir()
    n = 120_000
    lines = ["id,value"] + [f"{i},{i % 1000}" for i in range(1, n + 1)]
    for row in (5, 70_001, 119_990):
        lines[row] = f"{row},{-1 if row % 2 else 'x'}"
    lines[99_000] = lines[98_000]  # duplicate key
    (pkg / "t.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    desc = {
        "name": "big",
        "resources": [
            {
                "name": "t",
                "type": "table",
                "path": "t.csv",
                "scheme": "file",
                "format": "csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": "id", "type": "integer"},
                        {"name": "value", "type": "integer", "constraints": {"minimum": 0}},
                    ],
                    "primaryKey": ["id"],
                },
            }
        ],
    }
    (pkg / "datapackage.json").write_text(json.dumps(desc), "utf-8")
    ref, got = compare(pkg / "datapackage.json")
    assert len(ref) == 4 and got.fallbacks == {}
