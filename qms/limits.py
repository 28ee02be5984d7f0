"""Length limits of free text (issue 13): every text field has one, the forms show a counter and refuse more.
A note or comment is a paragraph; a description, cause or measure a page or two; a report section or a
meeting's discussion several pages; text the system compiles from others' (the consolidated report, the
signed snapshot) holds what it is compiled from."""

NOTE = 2_000
TEXT = 5_000
LONG_TEXT = 10_000
COMPILED_TEXT = 200_000
SNAPSHOT = 1_000_000
