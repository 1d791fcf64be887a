"""Loading: files and folders to `Article` records (`walk` finds and decodes files; `fields`,
`html`, `jsonl` read the formats; `clean` drops page furniture)."""
