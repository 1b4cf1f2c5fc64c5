"""`aistack policy`: the org profile's [policy] as every assistant's admin-owned layer (render, install)."""
