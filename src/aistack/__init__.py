"""aistack: join your company's AI engineering stack."""

__version__ = "0.1.0"
