"""The compiled SOP drawn for people: the swim-lane flowchart (:mod:`.svg`), the printable
SOP sheet (:mod:`.sheet`), the library's index page (:mod:`.index`) and the Mermaid text
(:mod:`.mermaid`). The HTML comes from the autoescaped templates in ``templates/``; the
layout arithmetic (geometry, column widths, row heights) stays in Python."""
