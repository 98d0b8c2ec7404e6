"""``ckg draft`` on the command line: output, exit codes and the exact messages for bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli_helpers import run_ckg
from tests.draft.llm_replay import replay_server
from tests.paths import EXAMPLES, REPO

KREMLIN = EXAMPLES / "2025-04-09-kremlin-conditional-ceasefire.txt"
REGISTRY = EXAMPLES / "actors.yaml"
LAKE = REPO / "tests" / "draft" / "data" / "2031-06-01-lake-talks.txt"
LAKE_REGISTRY = REPO / "tests" / "draft" / "data" / "lake-actors.yaml"


def test_draft_writes_a_fact_file_that_load_refuses_until_reviewed(tmp_path: Path) -> None:
    output = tmp_path / "kremlin.yaml"
    result = run_ckg("draft", KREMLIN, "--registry", REGISTRY, "-o", output)

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("Drafted ")
    assert "each is marked 'reviewed: false'." in result.stderr
    text = output.read_text("utf-8")
    assert text.startswith("# Drafted by `ckg draft` (offline) from 2025-04-09-kremlin-conditional-ceasefire.txt: ")
    # Paths to the registry and the text are relative to the fact file, so that the loader finds them.
    assert f"\nregistries: [{os.path.relpath(REGISTRY, tmp_path)}]\n" in text
    assert f"\n  text: {os.path.relpath(KREMLIN, tmp_path)}\n" in text
    refused = run_ckg("load", output, "--store", tmp_path / "store")
    assert refused.exit_code == 1
    assert "field 'reviewed': drafted, not reviewed yet. Check the fact against the article text, then delete" in (
        refused.stderr
    )
    assert not (tmp_path / "store").exists()
    loaded = run_ckg("load", output, "--store", tmp_path / "store", "--allow-unreviewed")
    assert loaded.exit_code == 0, loaded.output


def test_draft_to_standard_output(tmp_path: Path) -> None:
    result = run_ckg("draft", KREMLIN, "--registry", REGISTRY, "--id", "kremlin-draft", "--published", "2025-04-09")

    assert result.exit_code == 0, result.output
    assert "\narticle:\n  id: kremlin-draft\n" in result.stdout
    assert "  text: 2025-04-09-kremlin-conditional-ceasefire.txt\n" in result.stdout


def test_an_existing_output_is_kept_unless_forced(tmp_path: Path) -> None:
    output = tmp_path / "reviewed.yaml"
    output.write_text("# reviewed by hand\n", "utf-8")
    result = run_ckg("draft", KREMLIN, "-o", output)

    assert result.exit_code == 1
    assert result.stderr == f"Error: {output} exists. Give --force to replace it, or another -o path.\n"
    assert output.read_text("utf-8") == "# reviewed by hand\n"
    assert run_ckg("draft", KREMLIN, "-o", output, "--force").exit_code == 0


#: Bad input refused with exit code 1 and the exact message: the case's name, the article text to write
#: (its name under tmp_path and its bytes) or None, the arguments after ``draft`` ("{text}" stands for the
#: written text's path) and the message ("{text}" likewise).
BAD_INPUT: list[tuple[str, tuple[str, bytes] | None, list[str], str]] = [
    ("a-missing-article-text", None, ["no-such-article.txt"],
     "Error: article text no-such-article.txt not found. Give the path of the article's text file (UTF-8).\n"),
    ("an-empty-article-text", ("2025-01-01-empty.txt", b" \n\n"), ["{text}"],
     "Error: the article text {text} is empty. Give the file holding the article's full text.\n"),
    ("a-text-that-is-not-utf8", ("2025-01-01-latin.txt", "Caf\xe9 talks".encode("latin-1")), ["{text}"],
     "Error: the article text {text} is not valid UTF-8 (byte 3). Save it as UTF-8.\n"),
    ("a-text-too-large-for-one-article", ("2025-01-01-big.txt", ("Talks resumed. " * 70_000).encode()), ["{text}"],
     "Error: the article text {text} is 1050000 bytes, over the limit of 1000000 for one article. "
     "Draft one article at a time.\n"),
    ("a-bad-publication-date", None, [str(KREMLIN), "--published", "2025-04-31"],
     "Error: bad publication date: '2025-04-31' is not a real date (day is out of range for month). "
     "Give --published as YYYY-MM-DD, e.g. 2025-04-09.\n"),
    ("no-publication-date-at-all", ("talks.txt", b"Moscow said on Tuesday that talks would resume.\n"), ["{text}"],
     "Error: no publication date for talks.txt: its name does not start with one (YYYY-MM-DD-…). "
     "Give --published YYYY-MM-DD; dates such as 'on Tuesday' are resolved against it.\n"),
    ("a-bad-article-id", None, [str(KREMLIN), "--id", "Kremlin Report"],
     "Error: bad article id 'Kremlin Report': use lowercase letters, digits and hyphens, starting with a letter "
     "or digit (at most 120 characters), e.g. 2025-04-09-kremlin-conditional-ceasefire.\n"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("written", "arguments", "message"), [case[1:] for case in BAD_INPUT], ids=[case[0] for case in BAD_INPUT]
)
def test_bad_input_is_refused_with_how_to_fix_it(
    tmp_path: Path, written: tuple[str, bytes] | None, arguments: list[str], message: str
) -> None:
    text = ""
    if written is not None:
        name, content = written
        (tmp_path / name).write_bytes(content)
        text = str(tmp_path / name)
    result = run_ckg("draft", *(argument.replace("{text}", text) for argument in arguments))

    assert result.exit_code == 1
    assert result.stderr == message.replace("{text}", text)


def test_a_directory_is_not_an_article(tmp_path: Path) -> None:
    result = run_ckg("draft", tmp_path)

    assert result.exit_code == 2
    assert f"Error: Invalid value for 'ARTICLE': File '{tmp_path}' is a directory." in result.stderr


def test_an_unreadable_registry(tmp_path: Path) -> None:
    registry = tmp_path / "actors.yaml"
    registry.write_text("registry: x\nactors: [\n", "utf-8")
    result = run_ckg("draft", KREMLIN, "--registry", registry)

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot use the registry:\n{registry}:")
    assert "Traceback" not in result.output


def test_a_missing_registry(tmp_path: Path) -> None:
    registry = tmp_path / "missing.yaml"
    result = run_ckg("draft", KREMLIN, "--registry", registry)

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot use the registry:\n{registry}: ")


def test_llm_needs_a_model() -> None:
    result = run_ckg("draft", KREMLIN, "--llm", "http://127.0.0.1:9/v1")

    assert result.exit_code == 2
    assert "--llm and --model go together: give the endpoint's URL and the model's name." in result.stderr


def test_draft_with_a_model_reports_a_dropped_fact(tmp_path: Path) -> None:
    output = tmp_path / "lake.yaml"
    with replay_server("invented-quote.json") as replay:
        result = run_ckg(
            "draft", LAKE, "--registry", LAKE_REGISTRY, "-o", output, "--llm", replay.url, "--model", "m",
            "--repair-rounds", "0",
        )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"Drafted 4 facts (1 proposals, 1 demands, 2 events) to {output}; each is marked 'reviewed: false'.\n"
        "Note: dropped event 'orsk-shelling': its quote is not in the text.\n"
    )
    assert run_ckg("validate", output, "--allow-unreviewed").exit_code == 0


def test_endpoint_errors_are_one_line_without_the_key(tmp_path: Path) -> None:
    with replay_server(("status", 500)) as replay:
        result = run_ckg("draft", LAKE, "--llm", replay.url, "--model", "m", env={"CKG_LLM_API_KEY": "sk-never-shown"})

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: the endpoint {replay.url}/chat/completions answered HTTP 500 (Internal Server Error). "
        "Check --llm and --model.\n"
    )
    assert "sk-never-shown" not in result.output


def test_an_endpoint_timeout(tmp_path: Path) -> None:
    with replay_server(("sleep", 3.0)) as replay:
        result = run_ckg("draft", LAKE, "--llm", replay.url, "--model", "m", "--timeout", "1")

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: the endpoint {replay.url}/chat/completions did not answer within 1 s. "
        "Give a longer --timeout, or a smaller model.\n"
    )
