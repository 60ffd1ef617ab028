"""tenderbot: instrument and medical-equipment tender alerts from Chinese procurement portals."""

__version__ = "0.1.0"
