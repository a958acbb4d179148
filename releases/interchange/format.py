"""Constants of the ``mod-press/1`` format (see the project's import-format documentation)."""

FORMAT = "mod-press/1"
# The format's statuses. "In review" is internal to the press office: it travels as draft.
STATUSES = ("draft", "scheduled", "published", "archived")
