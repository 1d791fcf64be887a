"""Conversations: a question asked after earlier turns leans on them (`followup`, `referents`);
`Conversation` keeps the history for Python, the terminal chat and the web chat alike."""
