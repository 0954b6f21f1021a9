"""The editor's operations on a week's draft, and the draft as the editor sees it."""
