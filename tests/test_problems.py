"""The one problem type: its wording, and its printed form safe for a terminal."""
from signpost.problems import problem


def test_a_problem_reads_path_line_message_and_hint():
    assert str(problem("content/tips/a.md", 3, "Something is wrong", "Fix it.")) == \
        "content/tips/a.md:3: Something is wrong. Hint: Fix it."


def test_control_characters_from_content_are_printed_escaped():
    # Adversarial review, item 12: a title or file name carrying ESC codes could clear the editor's
    # terminal or recolour what follows; a new line could fake a second message.
    item = problem("content/tips/a\nb.md", 2, "The title 'Warm\x1b[2J up\u202e' is odd", "Retype\tit\x00.")
    assert str(item) == ("content/tips/a\\nb.md:2: The title 'Warm\\x1b[2J up\\u202e' is odd. "
                         "Hint: Retype\\tit\\x00.")
    assert item.path == "content/tips/a\nb.md" and "\x1b" in item.message   # kept as they are for other uses


def test_ordinary_text_is_printed_as_it_is():
    text = "Café 😀 \\x00 'quotes' “curly” — é"
    assert str(problem("content/tips/a.md", None, text)) == f"content/tips/a.md: {text}."
