"""``ckg brief`` on the embedded store: what the page says, and how bad input is refused."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ceasefire_kg import brief
from ceasefire_kg.api import ask
from ceasefire_kg.backends import LocalBackend
from ceasefire_kg.store import Store
from tests.cli_helpers import run_ckg
from tests.corpus import load_store
from tests.paths import EXAMPLES

SEED_DATE = dt.date(2025, 3, 19)
LATEST = dt.date(2025, 4, 9)
SECTION_IDS = [anchor for anchor, _ in brief.SECTIONS]


@pytest.fixture(scope="module")
def examples_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return load_store(tmp_path_factory.mktemp("brief") / "store", [EXAMPLES])


@pytest.fixture(scope="module")
def backend(examples_store: Path) -> Iterator[LocalBackend]:
    with Store.open_read_only(examples_store) as store:
        yield LocalBackend(store)


class _Sections(HTMLParser):
    """The text of each <section id=...> of a page, and every external reference it makes."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, str] = {}
        self.current: str | None = None
        self.depth = 0
        self.fetched: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section":
            self.current, self.depth = values.get("id"), 0
            self.sections[str(self.current)] = ""
        elif tag in ("script", "img", "link", "iframe", "image", "object", "embed"):
            self.fetched.append(f"{tag} {values}")
        elif tag != "a":
            # Inside the page (#id) is fine; anything else would be fetched when the page opens.
            for name in ("src", "href", "xlink:href"):
                if values.get(name) and not str(values[name]).startswith("#"):
                    self.fetched.append(f"{tag} {name}={values[name]}")
        if self.current is not None:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.current is not None:
            self.sections[self.current] += data


def sections_of(html: str) -> _Sections:
    parser = _Sections()
    parser.feed(html)
    return parser


def headline_demands(html: str) -> set[str]:
    """The demands the headline names, by their text."""
    match = re.search(r'<ul class="blocking">(.*?)</ul>', html, re.S)
    if match is None:
        return set()
    return set(re.findall(r"</strong>: (.*?) <small>", match.group(1)))


@pytest.mark.parametrize("as_of", [SEED_DATE, LATEST], ids=["2025-03-19", "latest"])
def test_the_headline_shows_the_blocking_demands_the_saved_query_gives(backend: LocalBackend, as_of: dt.date) -> None:
    expected = ask(backend, "blocking-demands", {"as_of": as_of}).records()
    made = brief.build_brief(backend, as_of=as_of)
    html = brief.render_html(made)
    assert {row["demand_id"] for row in made.blocking} == {row["demand_id"] for row in expected}
    assert headline_demands(html) == {row["demand"] for row in expected}
    # Three on 19 March; the mobilization demand was withdrawn on 8 April.
    assert len(expected) == (3 if as_of == SEED_DATE else 2)
    for row in expected:
        assert row["quote"] in html


def test_the_command_writes_every_section_and_nothing_that_loads_from_elsewhere(
    examples_store: Path, tmp_path: Path
) -> None:
    output = tmp_path / "brief.html"
    result = run_ckg("brief", "--store", examples_store, "--as-of", "2025-03-19", "-o", output)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == (
        f"Wrote the brief on a full ceasefire as of 2025-03-19 to {output}: 3 blocking demands, 2 positions, "
        "7 changes since 2025-03-12, 1 article cited."
    )
    html = output.read_text(encoding="utf-8")
    page = sections_of(html)
    assert list(page.sections) == SECTION_IDS
    assert page.fetched == []
    assert "Ukraine must stop rearming." in page.sections["headline"]
    assert "rejects" in page.sections["positions"] and "accepts" in page.sections["positions"]
    assert html.count("<svg") == 2  # the timeline and the alignment
    assert "Russia" in page.sections["alignment"] and "bloc" in page.sections["alignment"]
    assert "Daily Times Online" in page.sections["sources"]
    assert 'href="https://news.example.org/world/2025/03/19/trump-zelensky' in html


def test_what_changed_lists_the_withdrawal_and_the_new_position(backend: LocalBackend) -> None:
    made = brief.build_brief(backend, as_of=LATEST, since=SEED_DATE)
    changes = {(c.kind, c.subject, c.what) for c in made.changes}
    assert ("withdrawn", "demand", "Ukraine must halt mandatory military mobilization.") in changes
    assert ("changed", "position", "Russia on U.S. plan for an unconditional 30-day ceasefire") in changes
    changed = next(c for c in made.changes if c.kind == "changed")
    assert changed.detail.startswith("rejects (if: ") and " → conditionally-accepts (if: " in changed.detail
    assert all(SEED_DATE < c.date <= LATEST for c in made.changes)


def test_one_proposal_brief_covers_that_proposal_only(backend: LocalBackend) -> None:
    made = brief.build_brief(backend, proposal="energy-infrastructure-truce")
    assert list(made.selection.proposals) == ["energy-infrastructure-truce"]
    assert made.blocking == []
    assert {row["proposal"] for row in made.positions} == {"Temporary truce on strikes against energy infrastructure"}
    assert {(row["side"], tuple(row["scopes"])) for row in made.disputes} == {
        ("Russia", ("energy-infrastructure",)),
        ("United States", ("critical-infrastructure", "energy-infrastructure")),
    }
    # Both sides accused the other of violating it: five accusations, all about this truce.
    assert len(made.accusations) == 5
    assert {row["proposal"] for row in made.accusations} == {"Temporary truce on strikes against energy infrastructure"}
    html = brief.render_html(made)
    assert "No open demand blocks Temporary truce on strikes against energy infrastructure" in html


def test_text_from_the_data_is_escaped(backend: LocalBackend) -> None:
    made = brief.build_brief(backend, as_of=SEED_DATE)
    made.blocking[0]["demand"] = '<script>alert("x")</script>'
    html = brief.render_html(made)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_the_same_data_gives_the_same_page(backend: LocalBackend) -> None:
    first = brief.render_html(brief.build_brief(backend, as_of=SEED_DATE))
    second = brief.render_html(brief.build_brief(backend, as_of=SEED_DATE))
    assert first == second


# --- bad input: a clear message, exit 1, no file -------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--proposal", "us-30-day-ceasfire"],
            "Error: Unknown proposal 'us-30-day-ceasfire': no proposal with that id was known on 2025-04-09. "
            "Did you mean 'us-30-day-ceasefire'?",
        ),
        (
            ["--scope", "harbour"],
            "Error: Unknown scope 'harbour': no scope with that id was known on 2025-04-09. Known scopes: "
            "comprehensive, critical-infrastructure, energy-infrastructure, geographic, humanitarian, "
            "infrastructure, maritime, partial and 1 more.",
        ),
        (
            ["--as-of", "2025-03-01"],
            "Error: Nothing was known on 2025-03-01: the first article was published on 2025-03-19. "
            "Give --as-of 2025-03-19 or later.",
        ),
        (
            ["--as-of", "2025-03-19", "--since", "2025-04-01"],
            "Error: --since 2025-04-01 is after the brief's date 2025-03-19: give an earlier --since.",
        ),
    ],
    ids=["unknown-proposal", "unknown-scope", "before-any-article", "since-after-as-of"],
)
def test_bad_input_is_refused_and_no_file_is_written(
    examples_store: Path, tmp_path: Path, options: list[str], message: str
) -> None:
    output = tmp_path / "brief.html"
    result = run_ckg("brief", "--store", examples_store, "-o", output, *options)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == message
    assert not output.exists()


def test_an_empty_store_is_refused(tmp_path: Path) -> None:
    store = load_store(tmp_path / "store", [EXAMPLES])
    assert run_ckg("retract", "--store", store, "2025-03-19-trump-zelensky-call").exit_code == 0
    assert run_ckg("retract", "--store", store, "2025-04-09-kremlin-conditional-ceasefire").exit_code == 0
    output = tmp_path / "brief.html"
    result = run_ckg("brief", "--store", store, "-o", output)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: There is nothing to brief on: the embedded store at {store} holds no articles. "
        "Load some with 'ckg load PATH' (and, for Neo4j, 'ckg push') first."
    )
    assert not output.exists()


def test_a_proposal_and_a_scope_together_are_a_usage_error(examples_store: Path, tmp_path: Path) -> None:
    output = tmp_path / "brief.html"
    result = run_ckg(
        "brief", "--store", examples_store, "-o", output, "--proposal", "us-30-day-ceasefire", "--scope", "partial"
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Give --proposal or --scope, not both: a proposal already has its scope."
    )
    assert not output.exists()
