"""Import a watch history: one module per step of an import.

Each step of an import, and the one module that does it:

    recognise file  sources/detection  asks each source in `sources.SOURCES` whether the
                                       header (or the ZIP's member) is its own
    read rows       sources/<family>   one module per family of files (`prime_exporter`,
                                       `amazon_legacy`, `amazon_current`) reads its rows;
                                       `sources/history` turns them into one film each (pure)
    store items     services           `create_session`: the films as `ImportItem` rows, with
                                       what earlier imports decided and what is already ranked
    claim           matcher            leases, so no two requests ever match one item
    search catalog  lookup             which catalog calls a title needs (pure), run by the
                                       matcher's threads through `catalog` (its own app)
    score           scoring            a proposal with its band and reason (pure), from
                                       `similarity`: how alike two titles are (pure)
    store match     matcher            each match written while its claim holds; time budgets
    decide          decisions          add, skip, undo, the bulk steps, review again: one call
                                       each, the same for the card and the list
    complete        models             `ImportSession` owns the lifecycle: `settle`, after every
                                       decision, completes the review when no card is left

Beside them: `views` parse a request, make the one call and answer with `pages` (the stage,
the card, the summary and the list); `models` holds the rows (sessions, items with their
counting queries, remembered choices); `snapshots` the catalog films an item keeps, so a card
needs no catalog call.
"""
