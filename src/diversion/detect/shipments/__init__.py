"""Shipment detectors: red flags in customs declarations (one consignment line each), read with both
parties resolved into entities."""
