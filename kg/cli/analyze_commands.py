"""``ckg analyze``: the shape of the negotiation, with networkx."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ceasefire_kg.cli.common import (
    FactOption,
    StageProgress,
    analysis_options,
    choice_option,
    echo_table,
    network_output_option,
    proposal_option,
    read_negotiation,
    reports_errors,
    table_format_option,
    write_network_file,
)

if TYPE_CHECKING:
    from ceasefire_kg.connection import Connection

logger = logging.getLogger(__name__)


@click.group("analyze")
def analyze_group() -> None:
    """The shape of the negotiation: blocs, brokers, why a demand blocks, gaps.

    Each command reads the graph from the embedded store or from Neo4j
    (--backend, as for 'ckg query') and answers the same on both.
    """


@analyze_group.command("alignment")
@proposal_option("Compare stances on this proposal only")
@network_output_option
@table_format_option
@analysis_options
@reports_errors
def analyze_alignment(
    proposal: str | None,
    output: Path | None,
    output_format: str,
    as_of: dt.date | None,
    backend: str,
    store_path: Path,
    connection: Connection,
) -> None:
    """Which sides stand together: pairs of sides weighted by shared and opposed stances, and blocs.

    Two sides agree on a proposal when their current stances fall in the same
    group (for: accepts, supports; conditional; against: rejects), and disagree
    otherwise; people count for the side they represent, and a proposer without
    a position counts as supporting its proposal. Blocs are the Louvain
    communities of the pairs that agree more than they disagree. With -f json
    the output holds the stances, the pairs and the blocs; with -f csv, the pairs.
    """
    from ceasefire_kg import analysis

    with read_negotiation(backend, store_path, connection, as_of) as (negotiation, _):
        result = analysis.alignment(negotiation, as_of, proposal)
    if output is not None:
        write_network_file(result.network, output, "alignment")
    if output_format == "json":
        click.echo(
            json.dumps(
                {
                    name: table.records()
                    for name, table in (
                        ("stances", result.stances),
                        ("pairs", result.pairs()),
                        ("blocs", result.bloc_table()),
                    )
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if output_format == "csv":
        echo_table(result.pairs(), output_format)
        return
    echo_table(result.stances, output_format, "Stances compared")
    click.echo()
    echo_table(result.pairs(), output_format, "Pairs of sides (weight: agreements minus disagreements)")
    click.echo()
    echo_table(result.bloc_table(), output_format, "Blocs")


@analyze_group.command("brokers")
@network_output_option
@table_format_option
@analysis_options
@reports_errors
def analyze_brokers(
    output: Path | None,
    output_format: str,
    as_of: dt.date | None,
    backend: str,
    store_path: Path,
    connection: Connection,
) -> None:
    """Actors who connect otherwise separate sides: betweenness on the interaction network.

    Actors are in contact when they take part in the same call, meeting or
    talks, when one mediates between parties, or when one represents the
    other. betweenness is the share of shortest paths between other actors
    that pass through the actor; connects lists the other sides it is in
    contact with.
    """
    from ceasefire_kg import analysis

    with read_negotiation(backend, store_path, connection, as_of) as (negotiation, _):
        result = analysis.brokers(negotiation, as_of)
    if output is not None:
        write_network_file(result.network, output, "interaction")
    echo_table(result.table, output_format)


@analyze_group.command("explain")
@click.argument("demand_id", type=FactOption("fact-id"))
@choice_option(
    "-f",
    "--format",
    "output_format",
    choices=["text", "json"],
    default="text",
    help_text="text for reading; json for programs.",
)
@analysis_options
@reports_errors
def analyze_explain(
    demand_id: str, output_format: str, as_of: dt.date | None, backend: str, store_path: Path, connection: Connection
) -> None:
    """Why a demand blocks, or why a proposal is blocked: the chain of facts, each with its quote.

    DEMAND_ID is the demand's id (as in 'ckg query demands') or IRI. The chain
    goes from the demand to who made it, its status, and for each proposal it
    is a precondition for: how it became one (directly, or through a
    conditional or rejecting position) and whether that side accepts the
    proposal unconditionally. The definition is that of the blocking-demands
    saved query. Then the current responses to the demand, and the open demands
    it is conditional on (their precondition_for names it), followed down the
    chain with the responses to each. Given a proposal's id instead, it lists
    the open demands that block the proposal, each with that chain.
    """
    from ceasefire_kg import analysis

    with read_negotiation(backend, store_path, connection, as_of) as (negotiation, opened):
        explanation = analysis.explain_fact(negotiation, opened, demand_id, as_of)
    if output_format == "json":
        click.echo(json.dumps(analysis.explanation_record(explanation), ensure_ascii=False, indent=2))
        return
    click.echo(analysis.format_explanation(explanation), nl=False)


@analyze_group.command("gaps")
@click.option(
    "--scope",
    type=FactOption("iri", "scope"),
    default=None,
    help="Only proposals of this scope or a narrower one (an id such as comprehensive).  [default: every proposal]",
)
@proposal_option("Only this proposal")
@table_format_option
@analysis_options
@reports_errors
def analyze_gaps(
    scope: str | None,
    proposal: str | None,
    output_format: str,
    as_of: dt.date | None,
    backend: str,
    store_path: Path,
    connection: Connection,
) -> None:
    """Demands and positions that cannot both hold: the points to negotiate.

    Each row pairs a blocking demand with another side's current unconditional
    acceptance of the same proposal. addressed says whether the demand is made
    of the accepting side (or of a bloc it belongs to).
    """
    from ceasefire_kg import analysis

    with read_negotiation(backend, store_path, connection, as_of) as (negotiation, opened):
        progress = StageProgress(threshold=500)
        try:
            table = analysis.gaps(negotiation, opened, as_of, scope, proposal, progress)
        finally:
            progress.close()
    echo_table(table, output_format)


#: The commands this module adds to ``ckg``.
COMMANDS: list[click.Command] = [analyze_group]
