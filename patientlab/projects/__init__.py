"""Research projects, lay summaries, FALC versions, glossary, questions, clarity ratings."""
