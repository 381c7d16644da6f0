"""The GitHub workflows (.github/workflows/), run here so that none can call a make target, a
command or a flag that does not exist, or hand a later step a file that is not there.

Each workflow's jobs run in order (`needs`, matrix expanded) on one fresh clone of the
committed repository, reset to the job's commit before each job as a runner's checkout would
be. Every `run:` step runs as GitHub runs it (`bash --noprofile --norc -eo pipefail`), with
GITHUB_OUTPUT, GITHUB_ENV and GITHUB_STEP_SUMMARY as files and `${{ }}` expressions taken from
a small table of test values, step outputs and job outputs; an expression the table does not
know fails the test. `uses:` steps are not run but stood in for: checkout resets the clone,
the artifact actions copy folders through a local store, configure-pages and deploy-pages
answer with a test URL; an action the test does not know fails it. `gh` is a fake that keeps
releases in a JSON file and refuses a file that does not exist. The clone's `origin` is a
bare repository in tmp, so the commit the main workflow pushes can be looked at.

`make setup` runs for real, but the clone's .venv is laid out beforehand (the project's src
on its path, the libraries of the .venv running this test): installing every dependency
again would cost minutes and is what `make test` itself has just done.

The story: a pull request adds a report (the job summary shows it, the package is uploaded);
another adds an empty file (--fail-on-unreadable fails the job, the summary says why); the first is
merged (main builds the site with the Pages URL, commits datapackage/ back, releases the ZIP
under a dated tag); a manual run rebuilds with --no-cache (nothing to commit, no new release:
the data did not change); the sharded example parses in four shards and builds from the
merged cache the same package that main committed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))
NEW_REPORT = ROOT / "tests" / "fixtures" / "handmade" / "cells_consistent.txt"
NEW_AGENCY = "江岸区人力资源和社会保障局"
SITE_URL = "https://example.github.io/xxgk"
REPOSITORY = "example/xxgk"

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+\s*$")
# Conditions the workflows may use, as the test evaluates them.
CONDITIONS = {"github.ref == 'refs/heads/main'": lambda ctx: ctx["github.ref"] == "refs/heads/main"}


def load(path: Path) -> dict:
    wf = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in wf:  # YAML 1.1 reads the key `on` as true
        wf["on"] = wf.pop(True)
    return wf


def steps_of(wf: dict):
    for job_id, job in wf["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, job, step


# ---------------------------------------------------------------- what is read, not run


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_actions_pinned_to_commits(path: Path):
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"\s*(-\s+)?uses:", line)
    ]
    assert lines, "a workflow with no action at all?"
    for line in lines:
        assert PINNED.match(line), f"not pinned to a 40-hex commit with a '# vX.Y.Z' comment: {line.strip()}"
    for _, _, step in steps_of(load(path)):
        if "uses" in step:
            assert not step["uses"].startswith("./"), "local actions are not stood in for by this test"


def test_one_commit_per_action_everywhere():
    """One version of each action across the workflows (an upgrade changes every use)."""
    seen: dict[str, set[str]] = {}
    for path in WORKFLOW_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if m := PINNED.match(line):
                seen.setdefault(m[1], set()).add(m[2])
    assert {a: shas for a, shas in seen.items() if len(shas) > 1} == {}


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_least_privilege(path: Path):
    wf = load(path)
    assert wf["permissions"] == {}, "top level: no permission; each job asks for its own"
    assert wf["defaults"]["run"]["shell"] == "bash"
    for job_id, job in wf["jobs"].items():
        assert "permissions" in job, f"{job_id}: permissions not stated"
        runs = "\n".join(s.get("run", "") for s in job.get("steps", []))
        pushes = "git push" in runs
        if pushes:
            assert job["permissions"] == {"contents": "write"}, job_id
        for step in job.get("steps", []):
            assert "${{" not in step.get("run", ""), (
                f"{job_id}: an expression inside run: (pass it through env:)"
            )
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is pushes, f"{job_id}: persist-credentials"


def test_the_events_asked_for():
    pr, publish, sharded = (
        load(WORKFLOWS / n) for n in ("pull-request.yml", "publish.yml", "sharded-parse.yml")
    )
    assert "reports/**" in pr["on"]["pull_request"]["paths"]
    assert publish["on"]["push"] == {"branches": ["main"]} and "workflow_dispatch" in publish["on"]
    assert "workflow_dispatch" in sharded["on"]
    writers = {j for j, job in publish["jobs"].items() if "write" in job["permissions"].values()}
    assert writers == {"commit-datapackage", "deploy", "release"}
    assert publish["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}


# ---------------------------------------------------------------- the runner stand-in


FAKE_GH = r"""
import json, os, sys
from pathlib import Path

state_path = Path(os.environ["FAKE_GH_STATE"])
state = json.loads(state_path.read_text()) if state_path.exists() else {"releases": [], "calls": []}
args = sys.argv[1:]
state["calls"].append(args)
state_path.write_text(json.dumps(state, ensure_ascii=False))
if not os.environ.get("GH_TOKEN") or os.environ.get("GH_REPO") != "example/xxgk":
    sys.exit("fake gh: GH_TOKEN and GH_REPO not set")
releases = {r["tag"]: r for r in state["releases"]}


def option(name):
    return args[args.index(name) + 1] if name in args else None


if args[:2] == ["release", "list"]:
    assert option("--jq") == '.[0].tagName // ""', args
    print(state["releases"][-1]["tag"] if state["releases"] else "")
elif args[:2] == ["release", "view"]:
    rel = releases.get(args[2])
    if rel is None:
        sys.exit("release not found")
    if option("--json") == "body":
        assert option("--jq") == ".body", args
        print(rel["notes"])
elif args[:2] == ["release", "create"]:
    tag, rest = args[2], args[3:]
    files = []
    for a in rest:
        if a.startswith("--"):
            break
        files.append(a)
    missing = [f for f in files if not Path(f).is_file()]
    if missing or not files:
        sys.exit(f"fake gh: no such file: {missing}")
    if tag in releases:
        sys.exit("fake gh: tag exists")
    state["releases"].append(
        {"tag": tag, "files": files, "target": option("--target"), "title": option("--title"),
         "notes": option("--notes")}
    )
    state_path.write_text(json.dumps(state, ensure_ascii=False))
else:
    sys.exit(f"fake gh: not stood in for: {args}")
"""


@dataclass
class JobResult:
    ok: bool
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    log: str = ""
    failed_step: str | None = None
    skipped: bool = False


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def read_kv(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT / GITHUB_ENV: NAME=value lines and NAME<<DELIMITER blocks."""
    out: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            i += 1
            while lines[i] != delimiter:
                block.append(lines[i])
                i += 1
            out[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out


class Runner:
    """One clone, one artifact store per workflow run, one fake gh."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.origin = tmp / "origin.git"
        self.work = tmp / "work"
        head = git(ROOT, "rev-parse", "HEAD")
        subprocess.run(["git", "clone", "-q", "--bare", str(ROOT), str(self.origin)], check=True)
        git(self.origin, "update-ref", "refs/heads/main", head)
        git(self.origin, "symbolic-ref", "HEAD", "refs/heads/main")
        subprocess.run(["git", "clone", "-q", str(self.origin), str(self.work)], check=True)
        for key, value in (("user.name", "测试"), ("user.email", "test@example.org")):
            git(self.work, "config", key, value)
        self._venv()
        self.bin = tmp / "bin"
        self.bin.mkdir()
        gh = self.bin / "gh"
        gh.write_text(f"#!{sys.executable}\n{FAKE_GH}")
        gh.chmod(0o755)
        self.gh_state = tmp / "gh.json"
        self.run_number = 0

    def _venv(self) -> None:
        venv = self.work / ".venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        site = venv / "lib" / version / "site-packages"
        libraries = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
        # the clone's own source first: `import xxgk` is the commit under test
        (site / "_xxgk_test.pth").write_text("\n".join([str(self.work / "src"), *sorted(libraries)]) + "\n")
        xxgk = venv / "bin" / "xxgk"
        xxgk.write_text(
            textwrap.dedent(f"""\
                #!{venv}/bin/python
                import json, sys
                if __name__ == "__main__":
                    with open({str(venv / "xxgk-calls.log")!r}, "a", encoding="utf-8") as log:
                        log.write(json.dumps(sys.argv[1:]) + "\\n")
                    from xxgk.cli import main
                    sys.exit(main())
                """)
        )
        xxgk.chmod(0o755)
        self.calls_log = venv / "xxgk-calls.log"

    def take_calls(self) -> list[list[str]]:
        """The xxgk commands run since the last call (argument lists)."""
        if not self.calls_log.exists():
            return []
        calls = [json.loads(line) for line in self.calls_log.read_text(encoding="utf-8").splitlines()]
        self.calls_log.unlink()
        return calls

    def gh(self) -> dict:
        return (
            json.loads(self.gh_state.read_text()) if self.gh_state.exists() else {"releases": [], "calls": []}
        )

    # ------------------------------------------------------------ a workflow run

    def run(self, workflow: str, event: str, sha: str, ref: str = "refs/heads/main") -> dict[str, JobResult]:
        wf = load(WORKFLOWS / workflow)
        assert event in wf["on"], f"{workflow} does not run on {event}"
        self.run_number += 1
        store = self.tmp / f"artifacts-{self.run_number}"
        store.mkdir()
        ctx = {
            "github.event_name": event,
            "github.sha": sha,
            "github.ref": ref,
            "github.repository": REPOSITORY,
            "github.token": "test-token",
            "github.event.pull_request.number": "1",
        }
        results: dict[str, JobResult] = {}
        for job_id, job in wf["jobs"].items():
            needs = job.get("needs", [])
            needs = [needs] if isinstance(needs, str) else needs
            assert all(n in results for n in needs), f"{job_id} needs a job defined after it"
            if any(not results[n].ok for n in needs) or not self._condition(job.get("if"), ctx):
                results[job_id] = JobResult(ok=False, skipped=True)
                continue
            job_ctx = dict(ctx)
            for n in needs:
                for k, v in results[n].outputs.items():
                    job_ctx[f"needs.{n}.outputs.{k}"] = v
            matrix = job.get("strategy", {}).get("matrix")
            if matrix:
                assert set(matrix) - {"include", "exclude"} == set(matrix), "include/exclude not stood in for"
                keys = list(matrix)
                combos = [
                    dict(zip(keys, values, strict=True)) for values in itertools.product(*matrix.values())
                ]
                runs = []
                for combo in combos:
                    c = dict(job_ctx, **{f"matrix.{k}": str(v) for k, v in combo.items()})
                    c["strategy.job-total"] = str(len(combos))
                    runs.append(self._job(wf, job_id, job, c, store, sha))
                results[job_id] = JobResult(
                    ok=all(r.ok for r in runs),
                    summary="\n".join(r.summary for r in runs),
                    log="\n".join(r.log for r in runs),
                )
            else:
                results[job_id] = self._job(wf, job_id, job, job_ctx, store, sha)
        return results

    def _condition(self, cond, ctx) -> bool:
        if cond is None:
            return True
        cond = EXPR.fullmatch(cond.strip())[1] if cond.strip().startswith("${{") else cond.strip()
        assert cond in CONDITIONS, f"condition not known to this test: {cond}"
        return CONDITIONS[cond](ctx)

    def _resolve(self, value, ctx):
        if isinstance(value, bool | int | float):
            return value
        if value is None:
            return ""

        def one(m: re.Match) -> str:
            expr = m[1]
            if expr == "hashFiles('reports/**')":
                files = sorted(p for p in (self.work / "reports").rglob("*") if p.is_file())
                return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()
            assert expr in ctx, f"expression not known to this test (or a step output never written): {expr}"
            return str(ctx[expr])

        return EXPR.sub(one, str(value))

    def _job(self, wf: dict, job_id: str, job: dict, ctx: dict, store: Path, sha: str) -> JobResult:
        # a runner's fresh checkout of the job's commit
        git(self.work, "checkout", "-q", "-f", "--detach", sha)
        git(self.work, "clean", "-q", "-fdx", "-e", ".venv")
        (self.work / ".venv" / ".installed").touch()  # laid out above: make setup has nothing to do
        temp = self.tmp / f"runner-temp-{self.run_number}-{job_id}-{ctx.get('matrix.shard', '')}"
        temp.mkdir()
        ctx = dict(ctx, **{"runner.temp": str(temp)})
        summary_path = temp / "_summary.md"
        summary_path.touch()
        env_file = temp / "_env"
        env_file.touch()
        base_env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_"))}
        base_env.pop("VIRTUAL_ENV", None)
        base_env.update(
            PATH=f"{self.bin}{os.pathsep}{base_env['PATH']}",
            CI="true",
            GITHUB_ACTIONS="true",
            GITHUB_WORKSPACE=str(self.work),
            GITHUB_SHA=sha,
            GITHUB_REF=ctx["github.ref"],
            GITHUB_REF_NAME=ctx["github.ref"].rsplit("/", 1)[-1],
            GITHUB_EVENT_NAME=ctx["github.event_name"],
            GITHUB_REPOSITORY=REPOSITORY,
            GITHUB_RUN_NUMBER=str(self.run_number),
            GITHUB_STEP_SUMMARY=str(summary_path),
            GITHUB_ENV=str(env_file),
            RUNNER_TEMP=str(temp),
            FAKE_GH_STATE=str(self.gh_state),
        )
        for scope in (wf.get("env", {}), job.get("env", {})):
            base_env.update({k: self._resolve(v, ctx) for k, v in scope.items()})
        log: list[str] = []
        for i, step in enumerate(job["steps"]):
            name = step.get("name") or step.get("uses") or f"step {i}"
            assert self._condition(step.get("if"), ctx), f"{job_id}: step conditions are not stood in for"
            if "uses" in step:
                outputs = self._uses(step, ctx, store, temp)
            else:
                env = dict(base_env, **read_kv(env_file))
                env.update({k: self._resolve(v, ctx) for k, v in step.get("env", {}).items()})
                out_file = temp / f"_output-{i}"
                out_file.touch()
                env["GITHUB_OUTPUT"] = str(out_file)
                script = temp / f"_step-{i}.sh"
                script.write_text(step["run"], encoding="utf-8")
                cwd = self.work / step.get("working-directory", ".")
                proc = subprocess.run(
                    ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                    cwd=cwd,
                    env=env,
                    capture_output=True,
                    text=True,
                    stdin=subprocess.DEVNULL,
                    timeout=600,
                )
                log.append(f"--- {job_id}: {name} (exit {proc.returncode})\n{proc.stdout}{proc.stderr}")
                if proc.returncode != 0:
                    return JobResult(
                        ok=False,
                        summary=summary_path.read_text(encoding="utf-8"),
                        log="\n".join(log),
                        failed_step=name,
                    )
                outputs = read_kv(out_file)
            if "id" in step:
                for k, v in outputs.items():
                    ctx[f"steps.{step['id']}.outputs.{k}"] = v
        job_outputs = {k: self._resolve(v, ctx) for k, v in job.get("outputs", {}).items()}
        return JobResult(
            ok=True, outputs=job_outputs, summary=summary_path.read_text(encoding="utf-8"), log="\n".join(log)
        )

    def _uses(self, step: dict, ctx: dict, store: Path, temp: Path) -> dict[str, str]:
        action = step["uses"].split("@")[0]
        w = {k: self._resolve(v, ctx) for k, v in step.get("with", {}).items()}
        if action == "actions/checkout":
            assert isinstance(w.get("persist-credentials"), bool)  # said, either way
            return {}
        if action == "actions/setup-python":
            assert w["python-version"] == "3.11"
            return {}
        if action == "actions/cache":
            assert w["path"] == "build/cache"
            assert re.fullmatch(r"xxgk-parse-[0-9a-f]{64}-", w["restore-keys"]), w["restore-keys"]
            assert w["key"].startswith(w["restore-keys"]) and len(w["key"]) > len(w["restore-keys"])
            return {}
        if action == "actions/configure-pages":
            return {"base_url": SITE_URL}
        if action == "actions/upload-artifact":
            source = self.work / w["path"]
            target = store / w["name"]
            assert not target.exists(), f"artifact {w['name']} uploaded twice"
            if not source.exists() or (source.is_dir() and not any(source.rglob("*"))):
                assert w.get("if-no-files-found") == "ignore", f"nothing to upload at {w['path']}"
                return {}
            if source.is_dir():
                shutil.copytree(source, target)
            else:
                target.mkdir()
                shutil.copy2(source, target)
            return {}
        if action == "actions/download-artifact":
            dest = Path(w.get("path") or self.work)
            dest = dest if dest.is_absolute() else self.work / dest
            if "name" in w:
                assert (store / w["name"]).is_dir(), f"no artifact {w['name']}"
                shutil.copytree(store / w["name"], dest, dirs_exist_ok=True)
            else:
                assert w.get("merge-multiple") is True, "downloads of several artifacts are merged here"
                for art in sorted(store.glob(w["pattern"])):
                    shutil.copytree(art, dest, dirs_exist_ok=True)
            return {}
        if action == "actions/upload-pages-artifact":
            site = self.work / w["path"]
            assert (site / "index.html").is_file(), f"no site at {w['path']}"
            shutil.copytree(site, store / "github-pages")
            return {}
        if action == "actions/deploy-pages":
            assert (store / "github-pages" / "index.html").is_file()
            return {"page_url": SITE_URL + "/"}
        raise AssertionError(f"action not stood in for by this test: {action}")


# ---------------------------------------------------------------- the story


@dataclass
class Phase:
    jobs: dict[str, JobResult]
    calls: list[list[str]]  # the xxgk commands it ran
    main: str  # origin's main after it


def package_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> dict:
    r = Runner(tmp_path_factory.mktemp("workflows"))
    base = git(r.work, "rev-parse", "HEAD")

    def phase(workflow: str, event: str, sha: str, **kw) -> Phase:
        jobs = r.run(workflow, event, sha, **kw)
        return Phase(jobs, r.take_calls(), git(r.origin, "rev-parse", "refs/heads/main"))

    # a pull request adding a report, as committed from GitHub's web page: no datapackage/
    git(r.work, "checkout", "-q", "-b", "add-report")
    shutil.copy(NEW_REPORT, r.work / "reports" / NEW_REPORT.name)
    git(r.work, "add", "reports")
    git(r.work, "commit", "-q", "-m", "添加报告")
    merged = git(r.work, "rev-parse", "HEAD")
    s = {"runner": r, "merged": merged}
    s["pr"] = phase("pull-request.yml", "pull_request", merged, ref="refs/pull/1/merge")

    # another adding an unreadable (empty) file
    git(r.work, "checkout", "-q", "-f", "-b", "broken", base)
    (r.work / "reports" / "empty.txt").write_bytes(b"")
    git(r.work, "add", "reports")
    git(r.work, "commit", "-q", "-m", "空文件")
    s["broken"] = phase(
        "pull-request.yml", "pull_request", git(r.work, "rev-parse", "HEAD"), ref="refs/pull/2/merge"
    )

    # the first is merged: main moves to it
    git(r.work, "push", "-q", "origin", f"{merged}:refs/heads/main")
    s["push"] = phase("publish.yml", "push", merged)
    s["releases_after_push"] = r.gh()["releases"]

    # a manual clean rebuild of what main now is
    s["dispatch"] = phase("publish.yml", "workflow_dispatch", s["push"].main)

    # the sharded example on that commit (its artifacts are read from the run's store)
    s["sharded"] = phase("sharded-parse.yml", "workflow_dispatch", s["push"].main)
    store = r.tmp / f"artifacts-{r.run_number}"
    s["sharded_entries"] = sum(1 for art in store.glob("parse-cache-*") for _ in art.glob("??/*.json"))
    s["sharded_package"] = package_files(store / "datapackage")
    return s


def explain(results: dict[str, JobResult]) -> str:
    return "\n".join(
        f"== {j}: ok={r.ok} failed_step={r.failed_step}\n{r.log[-4000:]}" for j, r in results.items()
    )


def test_pull_request_shows_the_new_report(story):
    pr = story["pr"]
    job = pr.jobs["diff"]
    assert job.ok, explain(pr.jobs)
    assert [c for c in pr.calls if c[0] == "build"] == [
        ["build", "--reports", "reports", "--out", ".", "--no-site", "--fail-on-unreadable"]
    ]
    assert "## 数据变化" in job.summary and NEW_AGENCY in job.summary and NEW_REPORT.name in job.summary
    assert "注意" not in job.summary  # the pull request did not carry datapackage/
    assert pr.main == git(story["runner"].origin, "rev-parse", f"{story['merged']}^")  # nothing pushed


def test_pull_request_with_an_unreadable_file_fails(story):
    job = story["broken"].jobs["diff"]
    assert not job.ok and job.failed_step.startswith("构建数据包（--fail-on-unreadable")
    assert "## 构建失败" in job.summary and "empty.txt" in job.summary and "空文件" in job.summary


def test_main_commits_the_package_back(story):
    push = story["push"]
    assert all(j.ok for j in push.jobs.values()), explain(push.jobs)
    origin, merged = story["runner"].origin, story["merged"]
    assert git(origin, "rev-parse", f"{push.main}^") == merged
    changed = git(origin, "diff", "--name-only", merged, push.main).splitlines()
    assert changed and all(p.startswith("datapackage/") for p in changed)
    assert NEW_REPORT.name in git(origin, "show", f"{push.main}:datapackage/data/source_files.csv")
    assert push.jobs["commit-datapackage"].outputs == {"commit": push.main}


def test_main_builds_the_site_for_its_pages_url(story):
    push = story["push"]
    assert [c for c in push.calls if c[0] == "build"] == [
        ["build", "--reports", "reports", "--out", ".", "--site-url", SITE_URL]
    ]
    assert NEW_AGENCY in push.jobs["build"].summary


def test_main_releases_the_zip_under_a_dated_tag(story):
    [release] = story["releases_after_push"]
    assert re.fullmatch(r"data-\d{4}-\d{2}-\d{2}", release["tag"])
    assert release["target"] == story["push"].main
    assert [Path(f).name for f in release["files"]] == ["xxgk-datapackage.zip"]
    assert re.search(r"SHA-256：[0-9a-f]{64}", release["notes"])


def test_manual_run_rebuilds_without_the_cache(story):
    dispatch = story["dispatch"]
    assert all(j.ok for j in dispatch.jobs.values()), explain(dispatch.jobs)
    assert [c for c in dispatch.calls if c[0] == "build"] == [
        ["build", "--reports", "reports", "--out", ".", "--site-url", SITE_URL, "--no-cache"]
    ]
    # the same data: nothing to commit, no second release
    assert dispatch.main == story["push"].main
    assert "无需提交" in dispatch.jobs["commit-datapackage"].summary
    assert "不发布" in dispatch.jobs["release"].summary
    assert len(story["runner"].gh()["releases"]) == 1


def test_sharded_parse_builds_the_same_package(story):
    sharded, origin, main = story["sharded"], story["runner"].origin, story["push"].main
    assert all(j.ok for j in sharded.jobs.values()), explain(sharded.jobs)
    shards = [c for c in sharded.calls if c[0] == "parse-all"]
    assert sorted(c[-1] for c in shards) == ["1/4", "2/4", "3/4", "4/4"]
    reports = git(origin, "ls-tree", "-r", "--name-only", main, "reports").splitlines()
    assert story["sharded_entries"] == len(reports)
    committed = {
        p.removeprefix("datapackage/"): subprocess.run(
            ["git", "show", f"{main}:{p}"], cwd=origin, check=True, capture_output=True
        ).stdout
        for p in git(origin, "ls-tree", "-r", "--name-only", main, "datapackage").splitlines()
    }
    assert story["sharded_package"] == committed
