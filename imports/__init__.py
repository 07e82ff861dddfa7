"""Import an Amazon Prime Video watch history: one module per step of an import.

Each step of an import, and the one module that does it:

    read file     sources/    bytes to one `PrimeMovie` per film (pure; its own map inside)
    store items   services    `create_session`: the films as `ImportItem` rows, with what
                              earlier imports decided and what is already ranked
    claim         matcher     leases, so no two requests ever match one item
    search        lookup      which catalog calls a title needs (pure), run by matcher's threads
    score         scoring     a proposal with its band and reason, from the candidates (pure)
                  similarity  how alike two titles are, exactly or fuzzily (pure)
    store         matcher     each match written while its claim holds; the time budgets
    review        views       the wizard's pages and htmx regions
    decide        services    add, skip, undo, review again

`models` holds the rows: sessions, items with their counting queries, remembered choices.
"""
