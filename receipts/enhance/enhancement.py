"""What an enhancer answers: the canonical merchant and category, and where they came from."""

from dataclasses import asdict, dataclass, field


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
    # Fields a second reader read differently from extraction: {"total": {"read": "9.99", "llm": "19.99"}}.
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
        for name in ("source", "cached", "fallback"):
            entry.pop(name)
        return entry

    @classmethod
    def from_cache(cls, entry):
        return cls(**entry, source="cache", cached=True)
