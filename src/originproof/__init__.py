"""originproof: certificates of origin proven on an EVM chain, trade secrets kept encrypted off it."""

__version__ = "0.1.0"
