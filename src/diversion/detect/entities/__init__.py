"""Entity detectors: firms and people whose ownership, links, age or trade raise a red flag.

They read the resolved entities and the link graph (``graph/``), so ``findings`` builds the graph first when
it is missing.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from diversion.store import Workspace


def findings(ws: Workspace) -> ir.Table:
    """Every entity detector's findings, one relation (``detect.base.FINDINGS``), materialised once per
    workspace state."""
    from diversion.detect import DETECTORS

    def build() -> ir.Table:
        parts = [d.run(ws, d.defaults()) for d in DETECTORS if d.name.startswith("entities.")]
        return ws.materialize(ibis.union(*parts))

    return ws.memo(("entities.findings",), build)
