"""Import an Amazon Prime Video watch history: one module per step of an import.

Each step of an import, and the one module that does it:

    read file     parsing/    bytes to one `PrimeMovie` per film (pure; its own map inside)
    store items   services    `create_session`: the films as `ImportItem` rows, with what
                              earlier imports decided and what is already ranked
    claim         matcher     leases, so no two requests ever match one item
    search        lookup      which catalog calls a title needs (pure), run by matcher's threads
    score         scoring     a proposal with its band and reason, from the candidates (pure)
    store match   matcher     each match written while its claim holds; the time budgets
    decide        decisions   add, skip, undo, the bulk steps, review again: one call each,
                              the same for the card and the list
    complete      models      `ImportSession`: the lifecycle's one owner (`settle` after every
                              decision completes the review when no card is left)
    show          pages       the stage, the card, the summary and the list, and how an
                              action's outcome is answered on the page it came from
    (web)         views       parse the request, make the one call, answer with `pages`

`models` holds the rows: sessions, items with their counting queries, remembered choices;
`snapshots` the catalog films an item keeps, so a card needs no catalog call.
"""
