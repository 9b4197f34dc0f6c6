#!/bin/sh
# Rejects includes that break the one-way chain
#   tui -> render/runner -> analyze -> logs -> util
# and curses outside tui/. Exit 1 with the offending lines.
bad=0
check() { # dir, forbidden-include-regex, what
    out=$(grep -nE "#include *\"($2)/" "$1"/*.c "$1"/*.h 2>/dev/null)
    if [ -n "$out" ]; then echo "$3:"; echo "$out"; bad=1; fi
}
check util   'logs|analyze|render|runner|tui|cli' "util/ includes a higher module"
check logs   'analyze|render|runner|tui|cli'      "logs/ includes a higher module"
check analyze 'render|runner|tui|cli'             "analyze/ includes a higher module"
check render 'runner|tui|cli'                     "render/ includes runner/ or tui/"
check runner 'render|tui|cli'                     "runner/ includes render/ or tui/"
check tui    'cli'                                "tui/ includes cli/"
out=$(grep -nE '#include *[<"](n?curses|ncursesw/curses)\.h' util/* logs/* analyze/* render/* runner/* cli/* 2>/dev/null)
if [ -n "$out" ]; then echo "curses included outside tui/:"; echo "$out"; bad=1; fi
[ $bad -eq 0 ] && echo "check-deps: the dependency chain holds"
exit $bad
