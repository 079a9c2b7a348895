"""The detectors: one module each, registered here by name (``flows.surge`` is ``detect/flows/surge.py``)."""

from __future__ import annotations

from diversion.detect.base import FINDINGS, Detector
from diversion.detect.entities import (
    fifty_percent,
    first_controlled_trade,
    licence_excess,
    listed,
    listed_proximity,
    new_firm,
    shared_control,
)
from diversion.detect.flows import diversion_did, mirror_gap, new_line, pass_through, surge
from diversion.detect.shipments import markup, mislabel, route
from diversion.detect.shipments import pass_through as shipment_pass_through

DETECTORS: tuple[Detector, ...] = (
    surge.DETECTOR,
    new_line.DETECTOR,
    mirror_gap.DETECTOR,
    pass_through.DETECTOR,
    diversion_did.DETECTOR,
    new_firm.DETECTOR,
    first_controlled_trade.DETECTOR,
    listed.DETECTOR,
    fifty_percent.DETECTOR,
    shared_control.DETECTOR,
    listed_proximity.DETECTOR,
    licence_excess.DETECTOR,
    shipment_pass_through.DETECTOR,
    markup.DETECTOR,
    mislabel.DETECTOR,
    route.DETECTOR,
)


def get_detector(name: str) -> Detector | None:
    """The detector registered as ``name``, e.g. "flows.surge"."""
    return next((d for d in DETECTORS if d.name == name), None)


__all__ = ["DETECTORS", "FINDINGS", "Detector", "get_detector"]
