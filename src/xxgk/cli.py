"""The `xxgk` command (DATA_CONTRACT.md): build, parse, validate, diff, parse-all, cache-key.

A thin layer: every command is one call of the library (xxgk/api.py), then printing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__, api

if TYPE_CHECKING:
    from .pipeline import BuildResult
    from .pipeline import Progress as ProgressFn

err = Console(stderr=True)


# Options that build and parse-all share.
_reports_option = click.option(
    "--reports",
    "reports_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="报告目录（递归查找）。",
)

_cache_dir_option = click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="解析缓存目录（默认：OUT/build/cache）。",
)


def _out_option(help: str):
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help=help,
    )


@click.group()
@click.version_option(__version__, prog_name="xxgk")
def main() -> None:
    """政府信息公开工作年度报告 → 数据包与网站。"""


@main.command()
@_reports_option
@_out_option("输出目录：写入 OUT/datapackage 与 OUT/site。")
@click.option("--strict", is_flag=True, help="任何无法读取的报告或 error 级检查结果都使构建失败。")
@click.option(
    "--fail-on-unreadable",
    is_flag=True,
    help="任何无法读取的文件都使构建失败；报告自身数字的不一致（error 级检查结果）照常发布。",
)
@click.option("--no-site", is_flag=True, help="只生成数据包，不生成网站。")
@click.option("--workers", type=int, default=None, help="解析进程数（默认：CPU 核数）。")
@click.option(
    "--site-url",
    envvar="XXGK_SITE_URL",
    default=None,
    help="网站发布地址（如 https://example.org/xxgk/），用于 sitemap.xml 与规范链接"
    "；也可用环境变量 XXGK_SITE_URL。",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="不用解析缓存：重新读取全部文件；不读也不写缓存（缓存原样保留）。",
)
@_cache_dir_option
def build(
    reports_dir: Path,
    out_dir: Path,
    strict: bool,
    fail_on_unreadable: bool,
    no_site: bool,
    workers: int | None,
    site_url: str | None,
    no_cache: bool,
    cache_dir: Path | None,
) -> None:
    """解析全部报告，生成并校验数据包、汇总与网站。

    已解析过的文件（内容与解析程序都未变）取自解析缓存，不再读取；
    本次构建没有用到的缓存条目在读取结束后删除。"""
    if not reports_dir.is_dir():
        raise click.UsageError(f"报告目录不存在：{reports_dir}")
    with _progress_bar() as progress:
        result = api.build(
            reports_dir,
            out_dir,
            strict=strict,
            fail_on_unreadable=fail_on_unreadable,
            site=not no_site,
            workers=workers,
            progress=progress,
            site_url=site_url,
            cache=not no_cache,
            cache_dir=cache_dir,
        )
    _summary(result, out_dir, not no_site)
    if not result.ok:
        err.print(f"[bold red]构建失败：{result.failed}[/]（原有输出未改动）")
        for line in result.validation[:50]:
            err.print(f"  {line}")
        sys.exit(1)


@contextmanager
def _progress_bar() -> Iterator[ProgressFn]:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:

        def progress(stage: str, total: int) -> Callable[[], None]:
            task = bar.add_task(stage, total=total)
            return lambda: bar.advance(task)

        yield progress


def _parsed(parsed: int, from_cache: int) -> str:
    if not from_cache:
        return f"解析 {parsed} 个文件（未用缓存）" if parsed else "没有文件需要解析"
    if not parsed:
        return f"全部 {from_cache} 个文件取自缓存"
    return f"解析 {parsed} 个文件，其余 {from_cache} 个取自缓存"


def _summary(result: BuildResult, out_dir: Path, site: bool) -> None:
    err.print(
        f"读取 {result.files} 个文件：发布 {result.published} 份报告（{result.agencies} 个机关），"
        f"跳过 {len(result.skipped)} 个，重复未发布 {len(result.duplicates)} 个。"
    )
    err.print(f"{_parsed(result.parsed, result.from_cache)}。", highlight=False)
    for path, reason in result.skipped:
        err.print(f"  [yellow]跳过[/] {path}：{reason}", highlight=False)
    for path, reason in result.duplicates:
        err.print(f"  [cyan]重复[/] {path}：{reason}", highlight=False)
    if result.rules:
        table = Table(
            title=f"检查结果：{result.errors} 条错误，{result.warnings} 条提示", title_justify="left"
        )
        table.add_column("规则")
        table.add_column("条数", justify="right")
        for rule, n in sorted(result.rules.items(), key=lambda kv: -kv[1]):
            table.add_row(rule, str(n))
        err.print(table)
    timings = "，".join(f"{k} {v:.1f}s" for k, v in result.timings.items())
    err.print(f"用时：{timings}")
    if result.ok:
        err.print(f"输出：{out_dir / 'datapackage'}" + (f"，{out_dir / 'site'}" if site else ""))
        written = "，".join(f"{folder}/ {n} 个" for folder, n in result.written.items())
        kept = f"；{result.units_kept} 项输入未变的工作跳过" if site else ""
        err.print(f"写入或删除的文件：{written}（内容未变的文件不重写）{kept}。", highlight=False)


@main.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--pretty", is_flag=True, help="缩进输出（默认每行一个 JSON 对象）。")
def parse(files: tuple[Path, ...], pretty: bool) -> None:
    """解析报告并以 JSON 输出（每份报告一个对象），不构建。"""
    failed = False
    for path in files:
        outcome = api.parse_file(path)
        obj = (
            outcome.report.to_json()
            if outcome.report
            else {"source_file": str(path), "source_sha256": outcome.sha256, "skipped": outcome.reason}
        )
        failed |= outcome.report is None
        click.echo(json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None))
    sys.exit(1 if failed else 0)


@main.command()
@click.argument(
    "path", required=False, type=click.Path(path_type=Path), default=Path("datapackage/datapackage.json")
)
@click.option(
    "--engine",
    type=click.Choice(["frictionless", "duckdb"]),
    default="frictionless",
    show_default=True,
    help="frictionless：参照实现；duckdb：构建时用的快速校验（Table Schema 编译为 DuckDB 检查，结果相同）。",
)
def validate(path: Path, engine: str) -> None:
    """校验已生成的 datapackage.json（默认用 Frictionless）。"""
    if path.is_dir():
        path = path / "datapackage.json"
    if not path.exists():
        raise click.UsageError(f"找不到 {path}")
    problems = api.validate(path, engine=engine)
    if problems:
        for line in problems:
            err.print(line, highlight=False)
        err.print(f"[bold red]无效：{len(problems)} 个问题[/]")
        sys.exit(1)
    err.print(f"[green]有效[/]：{path}")


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json", "short"]),
    default="markdown",
    show_default=True,
    help="输出形式：Markdown（拉取请求、CI 摘要）、JSON 或一两行摘要。",
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="写入文件（默认标准输出）。")
@click.option("--limit", type=int, default=50, show_default=True, help="Markdown 中每张表最多列出的行数。")
def diff(old: Path, new: Path, fmt: str, output: Path | None, limit: int) -> None:
    """比较两个数据包（文件夹或 datapackage.json）：报告、单元格、检查结果与机关的变化。

    OLD 不存在时（首次构建）全部视为新增。"""
    try:
        result = api.diff_packages(old, new)
    except FileNotFoundError as e:
        raise click.UsageError(str(e)) from e
    text = api.render_diff(result, cast(Literal["markdown", "json", "short"], fmt), limit=limit)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def _shard(ctx: click.Context, param: click.Parameter, value: str) -> tuple[int, int]:
    try:
        k, n = (int(x) for x in value.split("/"))
    except ValueError:
        raise click.BadParameter(f"应为 K/N（如 2/4），而不是 {value!r}") from None
    if not 1 <= k <= n:
        raise click.BadParameter(f"应为 K/N，1 ≤ K ≤ N（如 2/4），而不是 {value}")
    return k, n


@main.command("parse-all")
@_reports_option
@_out_option("输出目录：解析结果写入 OUT/build/cache。")
@click.option(
    "--shard",
    callback=_shard,
    default="1/1",
    show_default=True,
    help="只解析第 K 个分片（共 N 个；按文件相对路径的哈希分配，增删文件不会移动其他文件）。",
)
@click.option("--workers", type=int, default=None, help="解析进程数（默认：CPU 核数）。")
@click.option("--no-cache", is_flag=True, help="缓存中已有的文件也重新解析（结果仍写入缓存）。")
@_cache_dir_option
def parse_all(
    reports_dir: Path,
    out_dir: Path,
    shard: tuple[int, int],
    workers: int | None,
    no_cache: bool,
    cache_dir: Path | None,
) -> None:
    """把一个分片的报告解析进缓存，不构建。

    CI 中 N 个任务各跑一个分片（--shard 1/N … N/N），把各自的缓存目录合并（直接复制：
    条目按键命名），再由一个任务运行 xxgk build，它就不再解析任何文件。"""
    if not reports_dir.is_dir():
        raise click.UsageError(f"报告目录不存在：{reports_dir}")
    with _progress_bar() as progress:
        result = api.parse_all(
            reports_dir,
            out_dir,
            shard=shard,
            workers=workers,
            progress=progress,
            cache=not no_cache,
            cache_dir=cache_dir,
        )
    k, n = result.shard
    err.print(
        f"分片 {k}/{n}：{result.files} 个文件，{_parsed(result.parsed, result.from_cache)}；"
        f"跳过 {len(result.skipped)} 个。",
        highlight=False,
    )
    for path, reason in result.skipped:
        err.print(f"  [yellow]跳过[/] {path}：{reason}", highlight=False)


@main.command("cache-key")
def cache_key() -> None:
    """打印解析缓存的指纹（十六进制，一行）：解析程序的代码与数据、读取库的版本、Python 版本的哈希。

    可作为 CI 缓存（如 actions/cache）的键：指纹不变，缓存中的解析结果就仍然有效。"""
    click.echo(api.cache_key())


if __name__ == "__main__":
    main()
