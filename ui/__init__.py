"""User interfaces: the command line (`ui.cli`), the terminal chat and the Gradio browser chat (`ui.web`).

Imports nothing heavy at package level: `assistant ask` must not pay for gradio."""
