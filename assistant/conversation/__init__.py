"""Conversations: a question asked after earlier turns leans on them (`followup`, `referents`);
one `History` of turns (`history`) serves Python, the terminal chat (`Conversation`, in `chat`)
and the web chat alike."""
