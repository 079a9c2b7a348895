"""What trade statistics adapters parse alike: periods, flows, breakdown labels (evaluated in the engine)."""

from __future__ import annotations

import ibis
import pytest

from diversion.ingest.trade_tables import breakdown_expr, flow_expr, period_expr, year_expr, year_month_expr
from diversion.store import Workspace


def evaluate(ws: Workspace, expr: ibis.Value) -> object:
    """A scalar expression's value (None for null)."""
    return ws.to_arrow(ibis.memtable({"one": [1]}).select(value=expr)).column("value")[0].as_py()


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2022", "2022"),
        ("2022-03", "2022-03"),
        ("202203", "2022-03"),
        ("202252", "2022"),  # Comext: the whole year
        ("2022-M03", "2022-03"),  # IMF
        ("2022M11", "2022-11"),
        ("2022-03-01", "2022-03"),
        ("2023 1", "2023"),  # a footnote mark: preliminary
        ("2022-13", "2022-13"),  # not a period: kept, and reported by the flows check
    ],
)
def test_period_expr(ws: Workspace, text: str, period: str) -> None:
    assert evaluate(ws, period_expr(ibis.literal(text))) == period


def test_year_and_month(ws: Workspace) -> None:
    assert evaluate(ws, year_month_expr(ibis.literal("2022"), ibis.literal("3"))) == "2022-03"
    assert evaluate(ws, year_month_expr(ibis.literal("2022"), ibis.literal("Year"))) == "2022"
    assert evaluate(ws, year_month_expr(ibis.literal("2022"), ibis.literal("52"))) == "2022"
    assert evaluate(ws, year_expr(ibis.literal("2023 1"))) == "2023"


@pytest.mark.parametrize(
    ("code", "flow"),
    [("M", "import"), ("X", "export"), ("RX", "re-export"), ("rm", "re-import"), ("1", "import"),
     ("2", "export"), ("EXPORT", "export"), ("XIP", "xip")],
)  # fmt: skip
def test_flow_expr(ws: Workspace, code: str, flow: str) -> None:
    assert evaluate(ws, flow_expr(ibis.literal(code))) == flow


def test_breakdown_labels(ws: Workspace) -> None:
    def label(mot_total: bool, customs_total: bool) -> object:
        return evaluate(
            ws,
            breakdown_expr(
                [
                    ("mode_of_transport", ibis.literal(mot_total), ibis.literal("Road")),
                    ("customs_procedure", ibis.literal(customs_total), ibis.literal("C01")),
                ]
            ),
        )

    assert label(True, True) is None
    assert label(False, True) == "mode_of_transport=Road"
    assert label(True, False) == "customs_procedure=C01"
    assert label(False, False) == "mode_of_transport+customs_procedure=Road+C01"
