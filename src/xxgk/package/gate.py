"""The build's validation gate: each resource's Table Schema compiled to DuckDB checks.

Frictionless reads every cell in Python (~15 s at 10,000 reports); this gate judges the same
CSV text in DuckDB and is meant to say exactly what frictionless says — the same resources,
rows, fields and messages (the first 20 errors of each resource, as `validate_package` prints
them). Frictionless stays the reference: `xxgk validate`, CI and tests/test_gate.py run it, and
the gate hands any resource it is not sure about to frictionless (`GateReport.fallbacks` says
which and why). How the gate keeps frictionless's semantics:

* Text. Frictionless reads the CSV with Python's `csv` module (dialect partly sniffed from the
  first 100 lines). The gate lets DuckDB read a file only when the whole file is strict RFC 4180
  — every record has exactly as many fields as the schema, quotes only around whole fields, no
  CR or NUL anywhere (checked with one RE2 match over the file) — and Python's sniffer would not
  turn on `skipinitialspace`. For such files both readers return the same cells, and the record
  order is the row order (header = row 1, first data row = row 2). The header, an empty source,
  encoding and descriptor errors are judged by frictionless itself (it opens the resource, which
  reads only a sample).
* Types. A cell is missing when its text is in the field's (or schema's) `missingValues`, as in
  frictionless (exact text, no trimming). A present cell in the canonical form of its type
  (integer as DuckDB prints a BIGINT, number with ≤ 18 digits on either side of the point, date
  `YYYY-MM-DD` that DuckDB can cast, boolean in the field's true/false values, any string) is
  valid and its constraints are checked in SQL, exactly (BIGINT / DECIMAL(38,18) / DATE). Every
  other present cell — " 5", "+5", "1.0" for an integer, "1e3", "TRUE " … — is read in Python by
  frictionless's own cell reader for that field, so what is a type error and which constraint
  fails is frictionless's decision, not a re-implementation.
* Patterns. Frictionless matches `re.match("^" + pattern + "$", cell)`; the gate runs the same
  string with RE2 (`regexp_matches`) only for patterns made of a common ASCII subset (literals,
  classes, groups, alternation, quantifiers — no \\d, \\w, \\s, lookaround, backreferences or
  flags, whose meaning differs between the engines), and cells containing a newline (Python's
  `$` also matches before a final newline) go to Python.
* Keys. unique, primaryKey and foreignKeys compare string fields as text and integer fields as
  canonical text (equal text ⟺ equal value); with the same None handling as frictionless (a
  key all None is skipped; a primary key all None is an error; partly None keys compare None
  to None). Keys over other types, or with a non-canonical integer cell, fall back.
* Order. Frictionless reports a row's errors in the order it reads its cells (unique fields,
  then primary-key fields, then foreign-key fields, then the rest), and a completely blank row
  has only the blank-row error; the gate sorts its errors the same way.

Known differences: none on the corpus of tests/test_gate.py. Anything outside the above
(other dialects, compression, remote or multipart paths, other types or string formats,
duplicate field names, number/date keys, more than 200,000 cells needing Python) falls back to
frictionless for that resource.
"""

from __future__ import annotations

import csv
import hashlib
import re
import warnings
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from frictionless import FrictionlessException, Package
from frictionless import errors as ferr
from frictionless.helpers import parse_resource_hash_v1

LIMIT = 20  # errors shown per resource, as validate_package
MAX_ROUTED = 200_000  # cells read in Python before the resource goes to frictionless
SAMPLE_LINES = 100  # frictionless's CSV sample (formats/csv/parser.py SAMPLE_SIZE)
NULLSTR = "\x01\x02gate-null\x02\x01"  # never in the data: DuckDB must return every cell as text
SENTINEL = "chr(0)"  # stands for None in key comparisons (the grammar forbids NUL in the data)

NUM_RE = r"-?(0|[1-9][0-9]{0,17})(\.[0-9]{1,18})?"
DATE_RE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
SUPPORTED_TYPES = {"string", "integer", "number", "boolean", "date"}
KEY_TYPES = {"string", "integer"}
DIALECT_OK = {"header": True}  # frictionless's normalised dialect descriptor
CSV_OK = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "skipInitialSpace": False}


class Fallback(Exception):
    """This resource is judged by frictionless; the message says why."""


@dataclass
class GateReport:
    lines: list[str]
    fallbacks: dict[str, str] = field(default_factory=dict)  # resource → reason
    errors: dict[str, list[Any]] = field(default_factory=dict)  # resource → frictionless errors


@dataclass
class Col:
    idx: int  # 1-based, as frictionless's field position
    f: Any  # frictionless Field
    ident: str  # DuckDB column name
    missing: str  # SQL: the cell is a missing value
    fast: str  # SQL: a present cell judged in SQL (else read in Python)
    checks: list[tuple[int, str]]  # (position of the constraint in the reader's notes, SQL violation)
    notes: list[str]  # constraint notes, by position
    keytext: str  # SQL: a present cell's value as comparable text
    keyable: bool  # the type's canonical text is its value (string, integer)

    @property
    def key(self) -> str:
        """SQL: the cell's value as comparable text, NULL when missing."""
        return f"CASE WHEN {self.missing} THEN NULL ELSE {self.keytext} END"


@dataclass
class Table:
    name: str
    sql: str
    path: Path
    cols: list[Col]
    rows: int
    routed: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # col idx → (rowid, text)


def gate_package(path: Path | str) -> GateReport:
    """Validate a data package like `Package(path).validate()`, with DuckDB doing the work."""
    package = Package(str(path))
    try:
        package.to_descriptor(validate=True)
    except FrictionlessException as exc:
        errs = exc.to_errors()
        return GateReport([e.message for e in errs] or ["invalid package"], {"*": "descriptor"})
    con = duckdb.connect()
    report = GateReport([])
    tables: dict[str, Table | Fallback] = {}
    referenced: dict[str, set[str]] = {}
    for res in package.resources:
        schema = getattr(res, "schema", None)
        for fk in schema.foreign_keys if schema else []:
            ref = fk.get("reference", {})
            referenced.setdefault(ref.get("resource") or res.name, set()).update(ref.get("fields", []))
    for i, res in enumerate(package.resources):
        try:
            keep = referenced.get(res.name, set())
            schema = getattr(res, "schema", None)
            if schema:
                keep = keep | set(schema.primary_key)
                keep |= {n for fk in schema.foreign_keys for n in fk.get("fields", [])}
                keep |= {f.name for f in schema.fields if f.constraints.get("unique")}
            tables[res.name] = _load(con, res, i, keep)
        except Fallback as exc:
            tables[res.name] = exc
        except (duckdb.Error, FrictionlessException, OSError, UnicodeError) as exc:
            tables[res.name] = Fallback(f"{type(exc).__name__}: {exc}".splitlines()[0][:200])
    for res in package.resources:
        t = tables[res.name]
        errs: list[Any] | None = None
        if isinstance(t, Table):
            try:
                errs = _judge(con, res, t, tables)
            except Fallback as exc:
                t = exc
            except (duckdb.Error, OSError) as exc:
                t = Fallback(f"{type(exc).__name__}: {exc}".splitlines()[0][:200])
        if errs is None:
            report.fallbacks[res.name] = str(t)
            errs = []
            for task in res.validate().tasks:
                errs.extend(task.errors)
        report.errors[res.name] = errs
        report.lines.extend(f"{res.name}: {e.message}" for e in errs[:LIMIT])
    con.close()
    return report


# Loading


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _load(con: duckdb.DuckDBPyConnection, res: Any, i: int, keep: set[str]) -> Table:
    """Check that DuckDB may read the resource and load it; `keep`: fields other resources'
    foreign keys refer to."""
    if res.type != "table" or res.scheme != "file" or res.format != "csv":
        raise Fallback(f"not a local CSV table ({res.type}, {res.scheme}, {res.format})")
    if res.compression or res.innerpath or res.extrapaths or not isinstance(res.path, str):
        raise Fallback("compressed or multipart")
    if (res.encoding or "utf-8").lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise Fallback(f"encoding {res.encoding}")
    try:
        res.to_descriptor(validate=True)
    except FrictionlessException as exc:
        raise Fallback("resource descriptor") from exc
    dialect = dict(res.to_descriptor().get("dialect") or {})
    control = dialect.pop("csv", {})
    if any(k not in DIALECT_OK or DIALECT_OK[k] != v for k, v in dialect.items()) or any(
        k not in CSV_OK or CSV_OK[k] != v for k, v in control.items()
    ):
        raise Fallback(f"dialect {res.to_descriptor().get('dialect')}")
    schema = res.schema
    names = [f.name for f in schema.fields]
    if len(names) < 2 or len(set(names)) != len(names) or schema.has_defined("fields_match"):
        raise Fallback("fewer than two fields, duplicate names or fieldsMatch")
    path = Path(res.normpath)
    if not path.is_file():
        raise Fallback("no such file")

    # The same sniffing as frictionless's CSV parser (skipinitialspace would change the cells),
    # and the header: frictionless reports nothing when the labels are the field names in order;
    # anything else (blank, duplicate, missing, extra labels, an empty file) goes to frictionless.
    with path.open(encoding="utf-8", newline="") as fh:
        sample = []
        for line in fh:
            sample.append(line)
            if len(sample) >= SAMPLE_LINES:
                break
    if sample and sample[0].startswith("\ufeff"):
        raise Fallback("byte order mark")
    try:
        if csv.Sniffer().sniff("".join(sample), ",").skipinitialspace:
            raise Fallback("the sniffer would read it with skipinitialspace")
    except csv.Error:
        pass
    labels = next(csv.reader(sample), [])
    if labels != names:
        raise Fallback("header")

    # Strict RFC 4180 with exactly n fields a record: then DuckDB's cells are csv's cells.
    n = len(names)
    cell = r'(?:"(?:[^"\r\x00]|"")*"|[^,"\r\n\x00]*)'
    rec = f"{cell}(?:,{cell}){{{n - 1}}}"
    grammar = f"(?:{rec}\\n)*(?:{rec})?"
    try:
        ok = con.execute(
            f"SELECT regexp_full_match(content, ?) FROM read_text({_q(str(path))})", [grammar]
        ).fetchall()
    except duckdb.Error as exc:
        raise Fallback(f"read_text: {str(exc).splitlines()[0][:120]}") from exc
    if not ok or not ok[0][0]:
        raise Fallback("not strict RFC 4180 with one field per schema field on every line")

    # One table a resource, in file order (rowid + 2 = frictionless's row number). Each cell's
    # missing and fast flags are computed once here; a cell's text is kept only where a check,
    # a key or an error message needs it (not for the text of sections, for instance).
    sql = f"t{i}"
    cols = [_compile(k, f, schema) for k, f in enumerate(schema.fields, start=1)]
    select = []
    for c in cols:
        if c.fast != "TRUE" or c.checks or c.f.constraints.get("required") or c.f.name in keep:
            select.append(c.ident)
        select.append(f"{c.missing} AS m{c.idx}")
        c.missing = f"m{c.idx}"
        if c.fast not in ("TRUE", "FALSE"):
            select.append(f"{c.fast} AS f{c.idx}")
            c.fast = f"f{c.idx}"
    columns = ", ".join(f"'c{k}': 'VARCHAR'" for k in range(1, n + 1))
    con.execute(
        f"CREATE TEMP TABLE {sql} AS SELECT {', '.join(select)} FROM read_csv({_q(str(path))}, "
        f"columns={{{columns}}}, header=true, auto_detect=false, delim=',', quote='\"', escape='\"', "
        f"strict_mode=true, null_padding=false, allow_quoted_nulls=false, nullstr={_q(NULLSTR)}, "
        f"max_line_size=2147483647)"
    )
    any_null = " OR ".join(f"{c.missing} IS NULL" for c in cols)
    rows, nulls = con.execute(f"SELECT count(*), count(*) FILTER (WHERE {any_null}) FROM {sql}").fetchall()[0]
    if nulls:
        raise Fallback("a cell equal to the gate's null marker")
    t = Table(res.name, sql, path, cols, rows)
    # Present cells not in their type's canonical form: read in Python by frictionless's reader.
    routed_q = [
        f"SELECT {c.idx} AS k, rowid AS r, {c.ident} AS v FROM {sql} WHERE NOT {c.missing} AND NOT {c.fast}"
        for c in cols
        if c.fast != "TRUE"
    ]
    if routed_q:
        found = con.execute(f"{' UNION ALL '.join(routed_q)} LIMIT {MAX_ROUTED + 1}").fetchall()
        if len(found) > MAX_ROUTED:
            raise Fallback(f"more than {MAX_ROUTED} cells would be read in Python")
        for k, r, v in found:
            t.routed.setdefault(k, []).append((r, v))
    return t


# Compiling a field


def _sql_list(values: list[str]) -> str:
    return ", ".join(_q(v) for v in values)


def _missing_values(f: Any) -> list[str]:
    mv = f.missing_values
    if not f.has_defined("missing_values") and f.schema:
        mv = f.schema.missing_values
    return [v for v in mv if isinstance(v, str)]


def _compile(k: int, f: Any, schema: Any) -> Col:
    c = f"c{k}"
    mv = _missing_values(f)
    missing = f"({c} IN ({_sql_list(mv)}))" if mv else "FALSE"
    reader = f.create_value_reader()
    default_fmt = f.format in (None, "default")
    plain_number = not any(
        f.has_defined(p) for p in ("bare_number", "float_number", "decimal_char", "group_char")
    )
    fast = "FALSE"
    value = None  # SQL: the typed value of a fast cell
    key = "NULL"
    if f.type == "string" and default_fmt:
        fast, value, key = "TRUE", c, c
    elif f.type == "integer" and plain_number:
        # canonical ⟺ DuckDB's BIGINT prints back the same text (faster than a regex)
        fast = f"coalesce(CAST(TRY_CAST({c} AS BIGINT) AS VARCHAR) = {c}, FALSE)"
        value, key = f"CAST({c} AS BIGINT)", c
    elif f.type == "number" and plain_number:
        fast, value = f"regexp_full_match({c}, '{NUM_RE}')", f"CAST({c} AS DECIMAL(38,18))"
    elif f.type == "date" and default_fmt:
        fast = (
            f"(regexp_full_match({c}, '{DATE_RE}') AND {c} >= '0001' AND TRY_CAST({c} AS DATE) IS NOT NULL)"
        )
        value = f"TRY_CAST({c} AS DATE)"
    elif f.type == "boolean":
        fast = f"({c} IN ({_sql_list([str(v) for v in f.true_values + f.false_values])}))"
        if not (f.true_values + f.false_values):
            fast = "FALSE"
    checks: list[tuple[int, str]] = []
    notes: list[str] = []
    pos = 0
    for name in f.supported_constraints:
        constraint = f.constraints.get(name)
        if constraint is None:
            continue
        notes.append(f'constraint "{name}" is "{constraint}"')
        if name == "required":
            pass  # checked on missing cells
        elif fast != "FALSE":
            cond = _constraint_sql(name, constraint, f, c, value, reader)
            if cond is None:
                fast = "FALSE"  # every present cell read in Python
            elif cond == "ROUTE_NL":
                fast = f"({fast} AND strpos({c}, chr(10)) = 0)"
                cond = f"NOT regexp_matches({c}, {_q('^' + constraint + '$')})"
            if cond is not None:
                checks.append((pos, cond))
        pos += 1
    if fast == "FALSE":
        checks = []
    keyable = f.type in KEY_TYPES and default_fmt and key != "NULL"
    return Col(k, f, c, missing, fast, checks, notes, key, keyable)


def _literal(f: Any, v: Any) -> str | None:
    """A constraint value as an exact SQL literal of the field's type, or None."""
    if v is None or isinstance(v, bool):
        return None
    if f.type == "integer" and isinstance(v, int) and -(2**63) < v < 2**63:
        return str(v)
    if f.type == "number" and isinstance(v, (int, Decimal)):
        d = Decimal(v)
        if not d.is_finite():
            return None
        q = d.quantize(Decimal(1).scaleb(-18))
        if q != d or abs(d) >= Decimal(10) ** 20:
            return None
        return f"CAST('{q}' AS DECIMAL(38,18))"
    if f.type == "date" and hasattr(v, "isoformat") and v.year >= 1:
        return f"DATE '{v.isoformat()}'"
    return None


def _constraint_sql(name: str, constraint: Any, f: Any, c: str, value: str | None, reader: Any) -> str | None:
    """SQL that is true when a fast, present cell violates the constraint; None: read in Python."""
    if name in ("minLength", "maxLength"):
        if f.type != "string" or not isinstance(constraint, int) or isinstance(constraint, bool):
            return None
        return f"length({c}) {'<' if name == 'minLength' else '>'} {constraint}"
    if name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if value is None:
            return None
        lit = _literal(f, reader(constraint))
        if lit is None:
            return None
        op = {"minimum": "<", "maximum": ">", "exclusiveMinimum": "<=", "exclusiveMaximum": ">="}[name]
        return f"{value} {op} {lit}"
    if name == "pattern":
        if f.type != "string" or not isinstance(constraint, str) or not re2_safe(constraint):
            return None
        return "ROUTE_NL"
    if name == "enum":
        if not isinstance(constraint, list):
            return None
        items = [reader(v) for v in constraint]
        if f.type == "string":
            strs = [v for v in items if isinstance(v, str)]
            return f"{c} NOT IN ({_sql_list(strs)})" if strs else "TRUE"
        if f.type == "integer":
            ints = [str(v) for v in items if isinstance(v, int) and not isinstance(v, bool)]
            if any(abs(int(v)) >= 2**63 for v in ints):
                return None
            return f"{value} NOT IN ({', '.join(ints)})" if ints else "TRUE"
        return None
    return None


_CLASS_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.,:;/@#%=+!'\"<>`~")
_ESCAPABLE = set(r".^$*+?()[]{}|\-/")


def re2_safe(p: str) -> bool:
    """True when `p` means the same to Python's re and RE2 (a conservative ASCII subset)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(p)
    except re.error:
        return False
    i, depth, atom = 0, 0, False
    while i < len(p):
        ch = p[i]
        if not (" " <= ch <= "~"):
            return False
        if ch == "\\":
            if i + 1 >= len(p) or p[i + 1] not in _ESCAPABLE:
                return False
            i, atom = i + 2, True
            continue
        if ch == "[":
            j = i + 1
            if j < len(p) and p[j] == "^":
                j += 1
            if j < len(p) and p[j] in "]-":
                return False
            while j < len(p) and p[j] != "]":
                if p[j] == "\\":
                    if j + 1 >= len(p) or p[j + 1] not in _ESCAPABLE:
                        return False
                    j += 2
                    continue
                if p[j] not in _CLASS_CHARS or p[j : j + 2] in ("--", "&&", "~~", "||"):
                    return False
                j += 1
            if j >= len(p):
                return False
            i, atom = j + 1, True
            continue
        if ch == "(":
            if p.startswith("(?", i):
                if not p.startswith("(?:", i):
                    return False
                i += 1
            depth += 1
            i, atom = i + 2 if p.startswith("?:", i) else i + 1, False
            continue
        if ch == ")":
            depth -= 1
            if depth < 0:
                return False
            i, atom = i + 1, True
            continue
        if ch in "*+?":
            if not atom:
                return False
            i += 1
            if i < len(p) and p[i] == "?":
                i += 1
            atom = False
            continue
        if ch == "{":
            m = re.match(r"\{(\d{1,4})(,(\d{0,4}))?\}", p[i:])
            if not atom or not m:
                return False
            lo, hi = int(m.group(1)), m.group(3)
            if lo > 1000 or (hi and (int(hi) > 1000 or int(hi) < lo)):
                return False
            i += m.end()
            if i < len(p) and p[i] == "?":
                i += 1
            atom = False
            continue
        if ch in "}]":
            return False
        if ch in "^$|":
            i, atom = i + 1, False
            continue
        i, atom = i + 1, True  # a literal or "."
    return depth == 0


# Judging a loaded table


def _slots(res: Any, t: Table) -> dict[tuple, int]:
    """The order frictionless reads a row in (resources/table.py row_stream, then Row.errors)."""
    order: list[tuple] = []
    seen: set[int] = set()
    by_name = {c.f.name: c for c in t.cols}

    def cell(c: Col) -> None:
        if c.idx not in seen:
            seen.add(c.idx)
            order.append(("cell", c.idx))

    for c in t.cols:
        if c.f.constraints.get("unique"):
            cell(c)
            order.append(("unique", c.idx))
    schema = res.schema
    if schema.primary_key:
        for name in schema.primary_key:
            cell(by_name[name])
        order.append(("pk",))
    for j, fk in enumerate(schema.foreign_keys):
        for name in fk["fields"]:
            cell(by_name[name])
        order.append(("fk", j))
    for c in t.cols:
        cell(c)
    return {s: n for n, s in enumerate(order)}


def _judge(con: duckdb.DuckDBPyConnection, res: Any, t: Table, tables: dict[str, Any]) -> list[Any]:
    schema = res.schema
    by_name = {c.f.name: c for c in t.cols}
    for name in schema.primary_key:
        if name not in by_name:
            raise Fallback("primary key names an unknown field")
    for fk in schema.foreign_keys:
        if not set(fk["fields"]) <= set(by_name):
            raise Fallback("foreign key names an unknown field")
    slots = _slots(res, t)
    blank = " AND ".join(c.missing for c in t.cols)

    # Keys must be comparable as text.
    key_cols: set[int] = set()
    for c in t.cols:
        if c.f.constraints.get("unique"):
            key_cols.add(c.idx)
    key_cols |= {by_name[n].idx for n in schema.primary_key}
    for fk in schema.foreign_keys:
        key_cols |= {by_name[n].idx for n in fk["fields"]}
    for c in t.cols:
        if c.idx in key_cols and not _key_ok(t, c):
            raise Fallback(f"key field {c.f.name} is not comparable as text")

    found: list[tuple[int, int, int, Any]] = []  # (rowid, slot, sub, error factory)

    # Python-read cells.
    for c in t.cols:
        cells = t.routed.get(c.idx)
        if not cells:
            continue
        read = c.f.create_cell_reader()
        for r, v in cells:
            _, notes = read(v)
            if not notes:
                continue
            slot = slots[("cell", c.idx)]
            if "type" in notes:
                found.append((r, slot, 0, _cell_err(ferr.TypeError, notes["type"], r, v, c)))
                continue
            for note in notes.values():
                sub = 1 + c.notes.index(note)
                found.append((r, slot, sub, _cell_err(ferr.ConstraintError, note, r, v, c)))

    # SQL checks: (rowid, slot, sub, kind, a, b); kind indexes `kinds`.
    parts: list[str] = []
    kinds: list[tuple] = []
    key_checks: list[str] = []

    def add(select: str, kind: tuple, check: str | None = None) -> None:
        """`check`: a cheaper query with a row when `select` has one (for valid tables)."""
        parts.append(select.replace("$KIND", str(len(kinds))))
        kinds.append(kind)
        if check:
            key_checks.append(check)

    nb = f"NOT ({blank})"
    for c in t.cols:
        slot = slots[("cell", c.idx)]
        if c.f.constraints.get("required"):
            add(
                f"SELECT rowid, {slot}, 1, $KIND, {c.ident}, NULL FROM {t.sql} WHERE {c.missing} AND {nb}",
                ("constraint", c, c.notes[0]),
            )
        for pos, cond in c.checks:
            add(
                f"SELECT rowid, {slot}, {1 + pos}, $KIND, {c.ident}, NULL FROM {t.sql} "
                f"WHERE NOT {c.missing} AND {c.fast} AND ({cond})",
                ("constraint", c, c.notes[pos]),
            )
        if c.f.constraints.get("unique"):
            add(
                f"SELECT r, {slots[('unique', c.idx)]}, 0, $KIND, k, CAST(prev + 2 AS VARCHAR) FROM "
                f"(SELECT rowid AS r, {c.key} AS k, "
                f"lag(rowid) OVER (PARTITION BY {c.key} ORDER BY rowid) AS prev "
                f"FROM {t.sql} WHERE NOT {c.missing}) WHERE prev IS NOT NULL",
                ("unique", c),
                f"SELECT 1 FROM {t.sql} WHERE NOT {c.missing} GROUP BY {c.key} HAVING count(*) > 1",
            )
    if schema.primary_key:
        pk = [by_name[n] for n in schema.primary_key]
        keys = ", ".join(c.key for c in pk)
        all_null = " AND ".join(c.missing for c in pk)
        add(
            f"SELECT rowid, {slots[('pk',)]}, 0, $KIND, NULL, NULL FROM {t.sql} WHERE {all_null}",
            ("pk_null",),
            f"SELECT 1 FROM {t.sql} WHERE {all_null}",
        )
        add(
            f"SELECT r, {slots[('pk',)]}, 0, $KIND, NULL, CAST(prev + 2 AS VARCHAR) FROM "
            f"(SELECT rowid AS r, lag(rowid) OVER (PARTITION BY {keys} ORDER BY rowid) AS prev "
            f"FROM {t.sql} WHERE NOT ({all_null})) WHERE prev IS NOT NULL",
            ("pk_dup",),
            f"SELECT 1 FROM {t.sql} WHERE NOT ({all_null}) GROUP BY {keys} HAVING count(*) > 1",
        )
    for j, fk in enumerate(schema.foreign_keys):
        fk_sql = _fk_sql(res, t, tables, fk, by_name, slots[("fk", j)])
        add(fk_sql, ("fk", fk), fk_sql.replace("$KIND", "0"))
    add(f"SELECT rowid, -1, 0, $KIND, NULL, NULL FROM {t.sql} WHERE {blank}", ("blank",))

    # The common case, a valid table: one scan for the row checks, one EXISTS per key check.
    if not found:
        row_checks = [c.missing for c in t.cols if c.f.constraints.get("required")]
        row_checks += [f"(NOT {c.missing} AND {c.fast} AND ({cond}))" for c in t.cols for _, cond in c.checks]
        row_checks.append(f"({blank})")
        quick = [f"EXISTS (SELECT 1 FROM {t.sql} WHERE {' OR '.join(row_checks)})"]
        quick += [f"EXISTS ({q} LIMIT 1)" for q in key_checks]
        if not any(con.execute(f"SELECT {', '.join(quick)}").fetchall()[0]):
            return _end_errors(con, res, t)

    # Errors of the first LIMIT rows that have one (enough for the first LIMIT errors).
    query = (
        f"WITH e(r, slot, sub, kind, a, b) AS ({' UNION ALL '.join(parts)}) "
        f"SELECT * FROM e WHERE r IN (SELECT DISTINCT r FROM e ORDER BY r LIMIT {LIMIT})"
    )
    for r, slot, sub, kind, a, b in con.execute(query).fetchall():
        found.append((r, slot, sub, _sql_err(kinds[kind], r, a, b)))

    order = sorted(slots, key=slots.__getitem__)
    by_row: dict[int, list[tuple[int, int, Any]]] = {}
    for r, slot, sub, make in found:
        by_row.setdefault(r, []).append((slot, sub, make))
    out: list[Any] = []
    for r in sorted(by_row):
        out.extend(_row_order(by_row[r], order, slots, t))
        if len(out) >= LIMIT:
            break
    out = [make() for make in out[:LIMIT]]
    out.extend(_end_errors(con, res, t))
    return out


def _row_order(errs: list[tuple[int, int, Any]], order: list[tuple], slots: dict, t: Table) -> list[Any]:
    """A row's errors in frictionless's order. Its row stream reads the cells of unique, then
    primary-key, then foreign-key fields one by one (each adding its cell errors); the first
    integrity error appended reads all remaining cells (in field order) before it lands; the
    validator then reads the rest. A completely blank row's errors are replaced by the
    blank-row error when the row is read in full; a primary-key error comes after it."""
    if any(slot == -1 for slot, _, _ in errs):
        return [m for slot, _, m in sorted(errs, key=lambda e: e[0] != -1)]
    cells: dict[int, list[tuple[int, Any]]] = {}
    integrity: dict[int, Any] = {}
    for slot, sub, make in errs:
        if order[slot][0] == "cell":
            cells.setdefault(order[slot][1], []).append((sub, make))
        else:
            integrity[slot] = make
    out: list[Any] = []
    done: set[int] = set()

    def emit(idx: int) -> None:
        if idx not in done:
            done.add(idx)
            out.extend(m for _, m in sorted(cells.get(idx, []), key=lambda e: e[0]))

    first = True
    for slot, item in enumerate(order):
        if item[0] == "cell":
            emit(item[1])
        elif slot in integrity:
            if first:
                for c in t.cols:
                    emit(c.idx)
                first = False
            out.append(integrity[slot])
    for c in t.cols:
        emit(c.idx)
    return out


def _key_ok(t: Table, c: Col) -> bool:
    if not c.keyable:
        return False
    return c.f.type == "string" or not t.routed.get(c.idx)


def _fk_sql(res: Any, t: Table, tables: dict[str, Any], fk: dict, by_name: dict, slot: int) -> str:
    source = fk["reference"]["resource"] or res.name
    ref = tables.get(source)
    if ref is None:
        raise Fallback(f"foreign key to a missing resource {source}")
    if not isinstance(ref, Table):
        raise Fallback(f"foreign key to {source}, judged by frictionless")
    ref_by_name = {c.f.name: c for c in ref.cols}
    src_fields, tgt_fields = fk["reference"]["fields"], fk["fields"]
    if len(src_fields) != len(tgt_fields) or not set(src_fields) <= set(ref_by_name):
        raise Fallback("foreign key fields do not pair up")
    tgt = [by_name[n] for n in tgt_fields]
    src = [ref_by_name[n] for n in src_fields]
    for a, b in zip(tgt, src, strict=True):
        if a.f.type != b.f.type or not _key_ok(ref, b) or not _key_ok(t, a):
            raise Fallback("foreign key fields of different or non-key types")
    lk = ", ".join(f"coalesce({b.key}, {SENTINEL}) AS k{n}" for n, b in enumerate(src))
    lk_null = " AND ".join(b.missing for b in src)
    tk = ", ".join(f"coalesce({a.key}, {SENTINEL}) AS k{n}" for n, a in enumerate(tgt))
    tk_null = " AND ".join(a.missing for a in tgt)
    on = " AND ".join(f"lk.k{n} = tk.k{n}" for n in range(len(tgt)))
    shown = " || ', ' || ".join(
        f"CASE WHEN tk.k{n} = {SENTINEL} THEN 'None' ELSE tk.k{n} END" for n in range(len(tgt))
    )
    return (
        f"SELECT r, {slot}, 0, $KIND, {shown}, NULL FROM "
        f"(SELECT rowid AS r, {tk} FROM {t.sql} WHERE NOT ({tk_null})) AS tk "
        f"WHERE NOT EXISTS (SELECT 1 FROM (SELECT DISTINCT {lk} FROM {ref.sql} WHERE NOT ({lk_null})) AS lk "
        f"WHERE {on})"
    )


def _cell_err(cls: Any, note: str, r: int, v: str, c: Col) -> Any:
    return lambda: cls(
        note=note, cells=[], row_number=r + 2, cell=str(v), field_name=c.f.name, field_number=c.idx
    )


def _sql_err(kind: tuple, r: int, a: Any, b: Any) -> Any:
    row = r + 2
    if kind[0] == "constraint":
        return _cell_err(ferr.ConstraintError, kind[2], r, a, kind[1])
    if kind[0] == "unique":
        c = kind[1]
        note = f"the same as in the row at position {b}"
        return lambda: ferr.UniqueError(
            note=note, cells=[], row_number=row, cell=str(a), field_name=c.f.name, field_number=c.idx
        )
    if kind[0] == "pk_null":
        return lambda: ferr.PrimaryKeyError(
            note='cells composing the primary keys are all "None"', cells=[], row_number=row
        )
    if kind[0] == "pk_dup":
        return lambda: ferr.PrimaryKeyError(
            note=f"the same as in the row at position {b}", cells=[], row_number=row
        )
    if kind[0] == "fk":
        fk = kind[1]
        tgt, src = fk["fields"], fk["reference"]["fields"]
        source = fk["reference"]["resource"]
        note = (
            f'for "{", ".join(tgt)}": values "{a}" not found in the lookup table "{source}" '
            f'as "{", ".join(src)}"'
        )
        return lambda: ferr.ForeignKeyError(
            note=note,
            cells=[],
            row_number=row,
            field_names=list(tgt),
            field_cells=[],
            reference_name=source,
            reference_field_names=list(src),
        )
    return lambda: ferr.BlankRowError(note="", cells=[], row_number=row)


def _end_errors(con: duckdb.DuckDBPyConnection, res: Any, t: Table) -> list[Any]:
    """baseline.validate_end: hash, bytes, fields, rows declared in the descriptor."""
    out: list[Any] = []
    if res.hash:
        algorithm, expected = parse_resource_hash_v1(res.hash)
        if algorithm in ("md5", "sha256"):
            actual = hashlib.new(algorithm, t.path.read_bytes()).hexdigest()
            if actual != expected:
                out.append(ferr.HashCountError(note=f'expected is "{expected}" and actual is "{actual}"'))
    if res.bytes:
        size = t.path.stat().st_size
        if res.bytes != size:
            out.append(ferr.ByteCountError(note=f'expected is "{res.bytes}" and actual is "{size}"'))
    if res.fields and res.fields != len(t.cols):
        out.append(ferr.FieldCountError(note=f'expected is "{res.fields}" and actual is "{len(t.cols)}"'))
    if res.rows and res.rows != t.rows:
        out.append(ferr.RowCountError(note=f'expected is "{res.rows}" and actual is "{t.rows}"'))
    return out
