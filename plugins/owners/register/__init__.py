"""The register (业主名册): exclusive units (专有部分) with their area and its source, owners and
co-owners of a compound, and the register import from a spreadsheet. Every other subject of
the plugin counts and charges the units and owners of this register."""
