"""Optional LLM answers through any OpenAI-compatible server (`settings`, `client`), written from
the best passages (`answer`) and checked sentence by sentence against them (`verify`)."""
