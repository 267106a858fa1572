"""The documentation's examples run, and the site's navigation matches its pages.

Convention for code in ``README.md`` and ``docs/*.md``:

- Every fenced block whose info string is ``python`` (or ``py``) runs here, in page
  order, in one namespace per page, with a fresh temporary directory as the working
  directory. Later blocks see what earlier blocks of the same page defined.
- A block whose first non-blank line starts with ``>>>`` is a doctest: its output is
  checked, with ``ELLIPSIS`` and ``NORMALIZE_WHITESPACE`` on.
- Any other Python block is executed as a script (check results with ``assert``).
- To show Python code without running it, put ``<!-- docs-test: skip -->`` on the line
  right before the opening fence; MkDocs does not render the comment.
- Blocks in other languages (``sh``, ``console``, ``json``, ``text``) never run.
"""

from __future__ import annotations

import doctest
import re
import unicodedata
from pathlib import Path
from typing import Any, NamedTuple

import pytest

__all__: list[str] = []

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
PAGES = sorted([README, *DOCS.glob("*.md")])
SKIP_MARKER = "<!-- docs-test: skip -->"
PYTHON = frozenset({"python", "py"})
DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*)$")
_NAV_ENTRY = re.compile(r"^[ \t]+- (?P<title>[^:]+):[ \t]+(?P<target>\S+)[ \t]*$")
_LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<title>.+?)[ \t]*#*[ \t]*$")


class Block(NamedTuple):
    """A fenced code block: its language, its code and where the code starts."""

    language: str
    source: str
    line: int
    skipped: bool


class Page(NamedTuple):
    """A Markdown page split into its fenced blocks and its prose lines."""

    blocks: list[Block]
    prose: list[str]


def parse_markdown(text: str, name: str = "page") -> Page:
    """Split Markdown into fenced blocks and the lines outside them."""
    lines = text.splitlines()
    blocks: list[Block] = []
    prose: list[str] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            prose.append(lines[index])
            index += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        words = opening["info"].strip().lstrip("{.").split()
        language = words[0].lower() if words else ""
        body: list[str] = []
        end = index + 1
        while end < len(lines):
            stripped = lines[end].strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                break
            line = lines[end]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            end += 1
        else:
            raise AssertionError(f"{name}:{index + 1}: code fence is never closed")
        skipped = index > 0 and lines[index - 1].strip() == SKIP_MARKER
        blocks.append(Block(language, "\n".join(body) + "\n", index + 2, skipped))
        index = end + 1
    return Page(blocks, prose)


def parse_page(path: Path) -> Page:
    return parse_markdown(path.read_text(encoding="utf-8"), path.name)


def runnable(page: Page) -> list[Block]:
    """The blocks the tests run: Python, not marked to skip."""
    return [b for b in page.blocks if b.language in PYTHON and not b.skipped]


def run_block(filename: str, block: Block, namespace: dict[str, Any]) -> None:
    """Run one Python block in the page's namespace; fail with the doctest report."""
    name = f"{filename}:{block.line}"
    if block.source.lstrip().startswith(">>>"):
        parser = doctest.DocTestParser()
        test = parser.get_doctest(block.source, namespace, name, filename, block.line - 1)
        test.globs = namespace  # DocTest copies its globals; share the page's instead.
        runner = doctest.DocTestRunner(optionflags=DOCTEST_FLAGS)
        report: list[str] = []
        runner.run(test, out=report.append, clear_globs=False)
        if runner.failures:
            pytest.fail(f"doctest failed in {name}\n" + "".join(report), pytrace=False)
    else:
        # Pad with blank lines so tracebacks point at the right line of the page.
        code = compile("\n" * (block.line - 1) + block.source, filename, "exec")
        exec(code, namespace)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_examples_in_page_run(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "__main__"}  # as a script run by hand
    for block in runnable(parse_page(path)):
        run_block(str(path), block, namespace)


def test_readme_and_core_pages_have_tested_examples() -> None:
    for path in (README, DOCS / "quickstart.md", DOCS / "library.md", DOCS / "verdict.md"):
        assert runnable(parse_page(path)), f"{path.name} has no runnable Python example"


def test_unclosed_fence_is_reported() -> None:
    with pytest.raises(AssertionError, match="never closed"):
        parse_markdown("text\n\n```python\nx = 1\n")


def test_skip_marker_and_languages_decide_what_runs() -> None:
    text = (
        "```python\na = 1\n```\n\n"
        f"{SKIP_MARKER}\n```python\nraise SystemExit\n```\n\n"
        "```sh\nexit 1\n```\n\n"
        "- item\n\n    ```py\n    b = 2\n    ```\n"
    )
    blocks = runnable(parse_markdown(text))
    assert [(b.source, b.line) for b in blocks] == [("a = 1\n", 2), ("b = 2\n", 17)]


def test_blocks_share_the_page_namespace_and_doctests_check_output() -> None:
    namespace: dict[str, Any] = {}
    run_block("page.md", Block("python", "x = 20\n", 2, False), namespace)
    run_block("page.md", Block("python", ">>> x + 22\n42\n", 6, False), namespace)
    with pytest.raises(pytest.fail.Exception, match=r"doctest failed in page\.md:9"):
        run_block("page.md", Block("python", ">>> x + 1\n22\n", 9, False), namespace)


# The site: mkdocs.yml, its navigation, and the links between pages. -------------------


def nav_entries() -> list[tuple[str, str]]:
    """The ``- Title: page.md`` entries under ``nav:`` in mkdocs.yml, in order."""
    lines = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    start = lines.index("nav:") + 1
    entries: list[tuple[str, str]] = []
    for line in lines[start:]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            break
        entry = _NAV_ENTRY.match(line)
        assert entry is not None, f"mkdocs.yml: cannot read nav entry {line!r}"
        entries.append((entry["title"], entry["target"]))
    return entries


def test_mkdocs_config_uses_docs_folder() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^docs_dir: docs$", config, re.MULTILINE)
    assert re.search(r"^site_name: replaykit$", config, re.MULTILINE)


def test_every_nav_page_exists() -> None:
    entries = nav_entries()
    assert entries[0] == ("Home", "index.md")
    missing = [target for _, target in entries if not (DOCS / target).is_file()]
    assert not missing, f"pages listed in mkdocs.yml but missing from docs/: {missing}"


def test_every_page_is_in_nav() -> None:
    listed = {target for _, target in nav_entries()}
    unlisted = sorted(p.name for p in DOCS.glob("*.md") if p.name not in listed)
    assert not unlisted, f"pages in docs/ missing from the mkdocs.yml nav: {unlisted}"


def test_changelog_page_is_the_changelog() -> None:
    page = DOCS / "changelog.md"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert page.read_text(encoding="utf-8") == changelog
    assert changelog.startswith("# Changelog")


def slugify(title: str) -> str:
    """The anchor MkDocs (Python-Markdown's ``toc``) gives a heading."""
    text = re.sub(r"`|\*\*|\[|\]\([^)]*\)", "", title)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors(path: Path) -> set[str]:
    titles = (_HEADING.match(line) for line in parse_page(path).prose)
    return {slugify(match["title"]) for match in titles if match is not None}


def link_is_broken(page: Path, target: str) -> bool:
    """Whether a relative link of ``page`` misses its file or its heading."""
    file_part, _, anchor = target.partition("#")
    linked = (page.parent / file_part).resolve() if file_part else page
    if not linked.exists():
        return True
    return bool(anchor) and linked.suffix == ".md" and anchor not in anchors(linked)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path: Path) -> None:
    targets = [link["target"] for line in parse_page(path).prose for link in _LINK.finditer(line)]
    relative = [target for target in targets if not re.match(r"^[a-z]+:", target)]
    broken = [target for target in relative if link_is_broken(path, target)]
    assert not broken, f"{path.name}: broken links {broken}"


def test_broken_links_and_anchors_are_found(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Title\n\n## The `verdict` explained\n", encoding="utf-8")
    page = tmp_path / "b.md"
    assert not link_is_broken(page, "a.md#the-verdict-explained")
    assert link_is_broken(page, "a.md#no-such-heading")
    assert link_is_broken(page, "missing.md")


# The README's set-up commands are the ones CI and new users run. -----------------------

INSTALL_AND_VERDICT = (
    "python3 -m venv .venv && .venv/bin/pip install . && "
    ".venv/bin/replaykit replay example:crash-recovery"
)
INSTALL_AND_TEST = (
    "bash .ci/system-deps && python3 -m venv .venv && .venv/bin/pip install -e '.[test]'"
    " && .venv/bin/python -m pytest"
)


def test_readme_setup_is_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Set-up\n", 1)[1].split("\n## ", 1)[0]
    commands = [
        line.strip()
        for block in parse_markdown(section, "README.md").blocks
        if block.language in {"sh", "bash", "console"}
        for line in block.source.splitlines()
        if line.strip()
    ]
    assert commands == [INSTALL_AND_VERDICT, INSTALL_AND_TEST]


def test_ci_runs_the_readme_test_command() -> None:
    script = ROOT / ".ci" / "run"
    if not script.exists():
        pytest.skip("no .ci/run here (an sdist ships without it)")
    ci = script.read_text(encoding="utf-8")
    quiet = re.compile(r" (--quiet|-q)(?= )")
    assert INSTALL_AND_TEST in {quiet.sub("", line.strip()) for line in ci.splitlines()}
