"""What an enhancer answers: the canonical merchant and category, and where they came from."""

from dataclasses import asdict, dataclass, field, fields


@dataclass
class Enhancement:
    merchant: str
    category: str
    # Where this answer came from now: "local", "llm" or "cache".
    source: str
    cached: bool = False
    # The enhancer that worked the values out ("local" or "llm"); for a cache hit, the one that did so first.
    computed_by: str = ""
    # The merchant and category come from this user's own correction.
    taught: bool = False
    # Why the configured enhancer's answer was not used (the local result was kept instead).
    fallback: str = ""
    # The date and total a second reader (the language model) found: {"date": "2024-03-12", "total": "9.99"}.
    second_reading: dict = field(default_factory=dict)
    # Where that reading differs from extraction: {"total": {"read": "9.99", "llm": "19.99"}}.
    mismatches: dict = field(default_factory=dict)

    @property
    def outcome(self):
        if self.cached:
            return "cache_hit"
        if self.fallback:
            return "fallback"
        return "taught" if self.taught else "enhanced"

    def cache_entry(self):
        entry = asdict(self)
        for name in ("source", "cached", "fallback", "mismatches"):
            entry.pop(name)
        return entry

    @classmethod
    def from_cache(cls, entry):
        """The cached answer, or None for an entry this code cannot read (written by another version)."""
        if not isinstance(entry, dict) or not {"merchant", "category"} <= entry.keys():
            return None
        known = {f.name for f in fields(cls)} - {"source", "cached", "fallback", "mismatches"}
        return cls(**{name: value for name, value in entry.items() if name in known}, source="cache", cached=True)
